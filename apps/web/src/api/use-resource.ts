import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './client';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** Loads again now (e.g. after an action changed the resource). */
  reload(): void;
}

/**
 * Loads `load()` when `key` changes and, while `pollMs(data)` gives a number, again that many milliseconds
 * after each answer (live status where no event stream can be read). Answers to an older key are
 * dropped; the previous data stays on screen while a reload is in flight, so polling does not flicker.
 */
export function useResource<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
  pollMs?: (data: T) => number | null,
): Resource<T> {
  const [state, setState] = useState<{ key: string; data?: T; error?: ApiError; loading: boolean }>({ key, loading: true });
  const [generation, setGeneration] = useState(0);
  const latest = useRef({ load, pollMs });
  latest.current = { load, pollMs };

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fetchOnce = async () => {
      setState((previous) => ({ ...(previous.key === key ? previous : { key }), loading: true }));
      try {
        const data = await latest.current.load(controller.signal);
        if (controller.signal.aborted) return;
        setState({ key, data, loading: false });
        const delay = latest.current.pollMs?.(data);
        if (delay != null) timer = setTimeout(fetchOnce, delay);
      } catch (error) {
        if (controller.signal.aborted) return;
        const failure = error instanceof ApiError ? error : new ApiError(0, error instanceof Error ? error.message : String(error));
        setState((previous) => ({ key, data: previous.key === key ? previous.data : undefined, error: failure, loading: false }));
      }
    };
    void fetchOnce();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [key, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  const current = state.key === key ? state : { data: undefined, error: undefined, loading: true };
  return { data: current.data, error: current.error, loading: current.loading, reload };
}
