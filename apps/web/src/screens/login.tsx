import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { ApiError, api, expectOk } from '../api/client';
import { saveToken } from '../api/session';
import { Problem } from '../components/problem';

/**
 * The token is checked against the API before it is kept, so a typo is an error here rather than a
 * screen of 401s.
 */
export function LoginScreen() {
  const [token, setToken] = useState('');
  const [failure, setFailure] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = 'Log in · bpfleet';
    input.current?.focus();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    try {
      await expectOk(api.GET('/v1/tools', { headers: { authorization: `Bearer ${token.trim()}` } }));
      saveToken(token.trim());
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(0, String(error));
      setFailure(apiError.status === 401 ? new ApiError(401, 'the API does not know this token') : apiError);
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login" id="main">
      <h1>bpfleet</h1>
      <form onSubmit={submit} aria-describedby={`${id}-hint`}>
        <label for={id}>API token</label>
        <input
          ref={input}
          id={id}
          name="token"
          type="password"
          autocomplete="off"
          required
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          aria-invalid={failure ? true : undefined}
        />
        <p id={`${id}-hint`} class="hint">
          A bearer token of this API (the admin token is in <code>.data/admin.token</code> on the API host). It is kept in this tab only.
        </p>
        <Problem error={failure} title="Not logged in" />
        <button type="submit" class="primary" disabled={busy || token.trim() === ''}>
          {busy ? 'Checking…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
