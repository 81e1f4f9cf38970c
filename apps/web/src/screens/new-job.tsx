import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiError, api, expectOk } from '../api/client';
import type { CreateJob, Host, Tool } from '../api/types';
import { useResource } from '../api/use-resource';
import { Page } from '../components/page';
import { Loading, Problem } from '../components/problem';
import { SchemaForm } from '../forms/schema-form';
import { draftOf, errorsByControl, fieldsOf, paramsOf, type Draft } from '../forms/schema-fields';
import { routes } from '../routes';
import { parseLabels, type TargetMode } from './target';

/** The new-job form: tool, hosts, duration, and the tool's params generated from its JSON Schema. */
export function NewJobScreen() {
  const { query } = useLocation();
  const tools = useResource('tools', (signal) => expectOk(api.GET('/v1/tools', { signal })));
  const hosts = useResource('hosts', (signal) => expectOk(api.GET('/v1/hosts', { signal })));
  const like = useResource(`like:${query.like ?? ''}`, (signal) =>
    query.like ? expectOk(api.GET('/v1/jobs/{id}', { signal, params: { path: { id: query.like } } })) : Promise.resolve(null),
  );
  const error = tools.error ?? hosts.error ?? like.error;
  return (
    <Page title="New job">
      <Problem error={error} />
      {tools.data && hosts.data && like.data !== undefined ? (
        <JobForm
          tools={tools.data}
          hosts={hosts.data}
          initial={{
            tool: like.data?.tool ?? query.tool ?? '',
            params: like.data?.params ?? {},
            hosts: like.data?.runs.map((run) => run.host) ?? [],
            durationSec: String(like.data?.durationSec ?? 5),
          }}
        />
      ) : (
        !error && <Loading what="tools and hosts" />
      )}
    </Page>
  );
}

interface Initial {
  tool: string;
  params: Record<string, unknown>;
  hosts: string[];
  durationSec: string;
}

function JobForm({ tools, hosts, initial }: { tools: Tool[]; hosts: Host[]; initial: Initial }) {
  const { route } = useLocation();
  const [toolName, setToolName] = useState(initial.tool || tools[0]?.name || '');
  const tool = tools.find((t) => t.name === toolName);
  const fields = useMemo(() => (tool ? fieldsOf(tool.paramsSchema) : []), [tool]);
  const [draft, setDraft] = useState<Draft>(() => draftOf(fields, initial.params));
  const [mode, setMode] = useState<TargetMode>('hosts');
  const [chosenHosts, setChosenHosts] = useState<string[]>(() =>
    initial.hosts.length > 0 ? initial.hosts : hosts.filter((h) => h.status === 'online').slice(0, 1).map((h) => h.name),
  );
  const [selector, setSelector] = useState('');
  const [durationSec, setDurationSec] = useState(initial.durationSec);
  const [dispatchTimeoutSec, setDispatchTimeoutSec] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const ids = { tool: useId(), duration: useId(), dispatch: useId(), selector: useId(), example: useId() };

  const chooseTool = (name: string) => {
    const next = tools.find((t) => t.name === name);
    setToolName(name);
    setDraft(draftOf(next ? fieldsOf(next.paramsSchema) : []));
    setErrors({});
    setFailure(undefined);
  };

  useEffect(() => {
    if (failure || Object.keys(errors).length > 0) summary.current?.focus();
  }, [failure, errors]);

  const submit = async (event: Event) => {
    event.preventDefault();
    const { params, problems } = paramsOf(fields, draft);
    const local: Record<string, string> = { ...problems };
    const body: Record<string, unknown> = { tool: toolName, durationSec: durationSec.trim() === '' ? undefined : Number(durationSec), params };
    if (dispatchTimeoutSec.trim() !== '') body.dispatchTimeoutSec = Number(dispatchTimeoutSec);
    if (mode === 'hosts') body.hosts = chosenHosts;
    else if (mode === 'all') body.all = true;
    else {
      const labels = parseLabels(selector);
      if (typeof labels === 'string') local.selector = labels;
      else body.selector = { labels };
    }
    setFailure(undefined);
    if (Object.keys(local).length > 0) {
      setErrors(local);
      return;
    }
    setBusy(true);
    try {
      const created = await expectOk(api.POST('/v1/jobs', { body: body as CreateJob }));
      route(routes.job(created.id));
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(0, String(error));
      setErrors(errorsByControl(apiError.details));
      setFailure(apiError);
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (name: string, id: string) =>
    errors[name] && (
      <p id={id} class="field-error">
        {errors[name]}
      </p>
    );
  const examples = tool?.examples ?? [];

  return (
    <form class="job-form" onSubmit={submit} noValidate aria-describedby={failure ? 'form-problem' : undefined}>
      <div ref={summary} tabIndex={-1} id="form-problem">
        <Problem error={failure} title="The job was not created" />
      </div>
      <div class="field">
        <label for={ids.tool}>Tool</label>
        <select id={ids.tool} name="tool" value={toolName} onChange={(e) => chooseTool(e.currentTarget.value)} aria-describedby={`${ids.tool}-hint`}>
          {tools.map((t) => (
            <option key={t.name} value={t.name}>
              {t.name}
            </option>
          ))}
        </select>
        {tool && (
          <p id={`${ids.tool}-hint`} class="hint">
            {tool.description} Result: {tool.resultKind}.{tool.requires.length > 0 && ` Needs: ${tool.requires.join(', ')}.`}
            {tool.adminOnly && ' Only an admin token may start it.'}
          </p>
        )}
        {fieldError('tool', `${ids.tool}-error`)}
      </div>

      <fieldset class={`field${errors.hosts || errors.selector || errors.all ? ' invalid' : ''}`}>
        <legend>Where</legend>
        <div class="radios" role="radiogroup" aria-label="How hosts are chosen">
          {(
            [
              ['hosts', 'These hosts'],
              ['selector', 'Hosts with labels'],
              ['all', 'Every host'],
            ] as const
          ).map(([value, text]) => (
            <label key={value} class="inline">
              <input type="radio" name="target" value={value} checked={mode === value} onChange={() => setMode(value)} />
              {text}
            </label>
          ))}
        </div>
        {mode === 'hosts' && (
          <div class="host-choices" role="group" aria-label="Hosts">
            {hosts.length === 0 && <p class="hint">No host has an agent yet.</p>}
            {hosts.map((host) => (
              <label key={host.name} class="inline">
                <input
                  type="checkbox"
                  name="hosts"
                  value={host.name}
                  checked={chosenHosts.includes(host.name)}
                  onChange={(e) =>
                    setChosenHosts(e.currentTarget.checked ? [...chosenHosts, host.name] : chosenHosts.filter((h) => h !== host.name))
                  }
                />
                {host.name} <span class="hint">({host.status})</span>
              </label>
            ))}
          </div>
        )}
        {mode === 'selector' && (
          <>
            <label for={ids.selector}>Labels</label>
            <input
              id={ids.selector}
              name="selector"
              type="text"
              placeholder="role=db, zone=eu-1"
              value={selector}
              onInput={(e) => setSelector(e.currentTarget.value)}
              aria-invalid={errors.selector ? true : undefined}
              aria-describedby={errors.selector ? `${ids.selector}-error` : undefined}
            />
          </>
        )}
        {mode === 'all' && <p class="hint">Offline hosts and hosts lacking what the tool needs get a skipped run.</p>}
        {fieldError('hosts', 'hosts-error')}
        {fieldError('selector', `${ids.selector}-error`)}
        {fieldError('all', 'all-error')}
      </fieldset>

      <div class={`field${errors.durationSec ? ' invalid' : ''}`}>
        <label for={ids.duration}>Duration (seconds)</label>
        <input
          id={ids.duration}
          name="durationSec"
          type="text"
          inputMode="numeric"
          value={durationSec}
          onInput={(e) => setDurationSec(e.currentTarget.value)}
          aria-invalid={errors.durationSec ? true : undefined}
          aria-describedby={errors.durationSec ? `${ids.duration}-error` : undefined}
        />
        {fieldError('durationSec', `${ids.duration}-error`)}
      </div>
      <div class={`field${errors.dispatchTimeoutSec ? ' invalid' : ''}`}>
        <label for={ids.dispatch}>Dispatch timeout (seconds, optional)</label>
        <input
          id={ids.dispatch}
          name="dispatchTimeoutSec"
          type="text"
          inputMode="numeric"
          value={dispatchTimeoutSec}
          onInput={(e) => setDispatchTimeoutSec(e.currentTarget.value)}
          aria-invalid={errors.dispatchTimeoutSec ? true : undefined}
          aria-describedby={errors.dispatchTimeoutSec ? `${ids.dispatch}-error` : `${ids.dispatch}-hint`}
        />
        <p id={`${ids.dispatch}-hint`} class="hint">
          How long a run may wait for its agent before it ends expired.
        </p>
        {fieldError('dispatchTimeoutSec', `${ids.dispatch}-error`)}
      </div>

      <fieldset class={`params${errors.params ? ' invalid' : ''}`}>
        <legend>Parameters of {toolName}</legend>
        {examples.length > 0 && (
          <div class="toolbar">
            <label for={ids.example}>Fill from an example</label>
            <select
              id={ids.example}
              value=""
              onChange={(e) => {
                const example = examples[Number(e.currentTarget.value)];
                if (example) setDraft(draftOf(fields, example));
              }}
            >
              <option value="">choose…</option>
              {examples.map((example, i) => (
                <option key={i} value={i}>
                  {JSON.stringify(example).slice(0, 80)}
                </option>
              ))}
            </select>
          </div>
        )}
        {fieldError('params', 'params-error')}
        <SchemaForm fields={fields} draft={draft} errors={errors} onChange={(name, value) => setDraft({ ...draft, [name]: value })} />
      </fieldset>
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Starting…' : 'Start job'}
      </button>
    </form>
  );
}
