import { useEffect, useId, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { ApiError, api, expectOk } from '../api/client';
import { followJob } from '../api/live';
import { FINAL_JOB_STATUSES, type Job, type JobQuery, type Run } from '../api/types';
import { useResource } from '../api/use-resource';
import { Page } from '../components/page';
import { Loading, Problem } from '../components/problem';
import { StatusBadge } from '../components/status';
import { formatMs, formatNumber, formatTime, shortId } from '../format';
import { routes } from '../routes';
import { RunResult } from './run-result';

/** How often the job is polled when its live events cannot be read. */
const POLL_MS = 1000;
/** Runs whose result may be stored: a cancelled run keeps what it saw before the cancel. */
const WITH_RESULT = new Set(['succeeded', 'cancelled']);

/** A job: its runs with their stats and errors, cancel/stop/tag, and the chosen run's result. */
export function JobScreen() {
  const { params, query } = useRoute();
  const { route } = useLocation();
  const id = params.id!;
  // Live: the job is read again on each status event of its stream; polled only when the stream cannot be read.
  const [streaming, setStreaming] = useState(true);
  const job = useResource(
    `job:${id}`,
    (signal) => expectOk(api.GET('/v1/jobs/{id}', { signal, params: { path: { id } } })),
    (data) => (FINAL_JOB_STATUSES.has(data.status) || streaming ? null : POLL_MS),
  );
  const { reload } = job;
  useEffect(() => {
    setStreaming(true);
    const controller = new AbortController();
    followJob(id, (name) => name !== 'rows' && reload(), controller.signal).catch(() => {
      if (controller.signal.aborted) return;
      setStreaming(false);
      reload(); // starts the polling
    });
    return () => controller.abort();
  }, [id, reload]);
  const data = job.data;
  const chosen = data?.runs.find((run) => run.id === query.run) ?? data?.runs.find((run) => WITH_RESULT.has(run.status)) ?? data?.runs[0];
  return (
    <Page title={data ? `Job ${shortId(data.id)} · ${data.tool}` : 'Job'}>
      <Problem error={job.error} />
      {!data ? (
        !job.error && <Loading what="the job" />
      ) : (
        <>
          <JobSummary job={data} onChange={job.reload} />
          <section aria-labelledby="runs-heading">
            <h2 id="runs-heading">Runs</h2>
            <RunsTable job={data} chosen={chosen?.id} onChoose={(run) => route(routes.job(data.id, run.id), true)} />
          </section>
          {chosen && (
            <section aria-labelledby="result-heading">
              <h2 id="result-heading">
                Result on {chosen.host} <StatusBadge status={chosen.status} />
              </h2>
              {WITH_RESULT.has(chosen.status) ? (
                <RunResult runId={chosen.id} />
              ) : (
                <p>{FINAL_JOB_STATUSES.has(data.status) || chosen.status !== 'queued' ? statusWords(chosen) : 'Waiting for the agent…'}</p>
              )}
            </section>
          )}
          <CompareWith job={data} />
        </>
      )}
    </Page>
  );
}

function statusWords(run: Run): string {
  switch (run.status) {
    case 'running':
      return 'Tracing… the result appears when the run ends.';
    case 'queued':
      return 'Waiting for the agent…';
    default:
      return `No result: the run ${run.status}${run.error ? ` (${run.error})` : ''}.`;
  }
}

function JobSummary({ job, onChange }: { job: Job; onChange(): void }) {
  const [failure, setFailure] = useState<ApiError | undefined>();
  const [tag, setTag] = useState('');
  const tagId = useId();
  const act = async (action: () => Promise<unknown>) => {
    setFailure(undefined);
    try {
      await action();
      onChange();
    } catch (error) {
      setFailure(error instanceof ApiError ? error : new ApiError(0, String(error)));
    }
  };
  const path = { params: { path: { id: job.id } } };
  const active = !FINAL_JOB_STATUSES.has(job.status);
  const running = job.runs.some((run) => run.status === 'running');
  return (
    <section aria-label="Job" class="job-summary">
      <dl class="summary">
        <div>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={job.status} />
          </dd>
        </div>
        <div>
          <dt>Tool</dt>
          <dd>{job.tool}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{job.durationSec} s</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <time dateTime={job.createdAt}>{formatTime(job.createdAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Id</dt>
          <dd>
            <code>{job.id}</code>
          </dd>
        </div>
        {job.scheduleId && (
          <div>
            <dt>Schedule</dt>
            <dd>
              <a href={routes.schedule(job.scheduleId)}>{shortId(job.scheduleId)}</a>
            </dd>
          </div>
        )}
      </dl>
      <details>
        <summary>Parameters and targeting</summary>
        <pre>{JSON.stringify({ params: job.params, target: job.target, dispatchTimeoutSec: job.dispatchTimeoutSec }, null, 2)}</pre>
      </details>
      <div class="toolbar" aria-label="Actions" role="group">
        <button type="button" disabled={!running} onClick={() => act(() => expectOk(api.POST('/v1/jobs/{id}/stop', path)))}>
          Stop now
        </button>
        <button type="button" class="danger" disabled={!active} onClick={() => act(() => expectOk(api.POST('/v1/jobs/{id}/cancel', path)))}>
          Cancel job
        </button>
        <a class="button" href={routes.newJob({ like: job.id })}>
          Run again…
        </a>
      </div>
      <Problem error={failure} title="The action failed" />
      <div class="tags">
        <h2 id="tags-heading" class="small-heading">
          Tags
        </h2>
        <ul class="chips" aria-labelledby="tags-heading">
          {job.tags.length === 0 && <li class="hint">none</li>}
          {job.tags.map((t) => (
            <li key={t}>
              <a href={routes.jobs({ tag: t })}>{t}</a>
              <button
                type="button"
                class="chip-remove"
                aria-label={`Remove tag ${t}`}
                onClick={() => act(() => expectOk(api.DELETE('/v1/jobs/{id}/tags/{tag}', { params: { path: { id: job.id, tag: t } } })))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            const tags = tag.split(/[\s,]+/).filter(Boolean);
            if (tags.length > 0) void act(() => expectOk(api.POST('/v1/jobs/{id}/tags', { ...path, body: { tags } }))).then(() => setTag(''));
          }}
        >
          <label for={tagId}>Add tags</label>
          <input id={tagId} type="text" value={tag} placeholder="main, v1.2" onInput={(e) => setTag(e.currentTarget.value)} />
          <button type="submit">Tag</button>
        </form>
      </div>
    </section>
  );
}

function RunsTable({ job, chosen, onChoose }: { job: Job; chosen?: string; onChoose(run: Run): void }) {
  return (
    <table class="data runs-table">
      <thead>
        <tr>
          <th scope="col">Host</th>
          <th scope="col">Status</th>
          <th scope="col">Started</th>
          <th scope="col">Finished</th>
          <th scope="col" class="num">Attach</th>
          <th scope="col" class="num">Traced</th>
          <th scope="col" class="num">Lost events</th>
          <th scope="col">Stop reason</th>
          <th scope="col">Error</th>
          <th scope="col">
            <span class="visually-hidden">Result</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {job.runs.map((run) => (
          <tr key={run.id} aria-current={run.id === chosen ? 'true' : undefined}>
            <th scope="row">{run.host}</th>
            <td>
              <StatusBadge status={run.status} />
            </td>
            <td>{formatTime(run.startedAt)}</td>
            <td>{formatTime(run.finishedAt)}</td>
            <td class="num">{formatMs(run.stats?.attachMs)}</td>
            <td class="num">{formatMs(run.stats?.tracedMs)}</td>
            <td class="num">{run.stats?.lostEvents === undefined ? '–' : formatNumber(run.stats.lostEvents)}</td>
            <td>{run.stats?.stopReason ?? '–'}</td>
            <td class="error-cell">{run.error ?? ''}</td>
            <td>
              {WITH_RESULT.has(run.status) && (
                <button type="button" class="small" disabled={run.id === chosen} onClick={() => onChoose(run)} aria-label={`Show the result on ${run.host}`}>
                  {run.id === chosen ? 'Shown' : 'Show result'}
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Picks another job of the same tool to compare with (the older one is the base). */
function CompareWith({ job }: { job: Job }) {
  const others = useResource(`others:${job.tool}`, (signal) =>
    expectOk(api.GET('/v1/jobs', { signal, params: { query: { tool: job.tool as JobQuery['tool'], status: 'succeeded', limit: 20 } } })),
  );
  const [other, setOther] = useState('');
  const selectId = useId();
  const candidates = (others.data?.items ?? []).filter((j) => j.id !== job.id);
  if (job.status !== 'succeeded' && job.status !== 'partial') return null;
  const chosen = candidates.find((j) => j.id === other);
  const [base, target] = chosen && Date.parse(chosen.createdAt) > Date.parse(job.createdAt) ? [job.id, chosen.id] : [other, job.id];
  return (
    <section aria-labelledby="compare-heading">
      <h2 id="compare-heading">Compare</h2>
      {candidates.length === 0 ? (
        <p class="hint">No other succeeded {job.tool} job to compare with.</p>
      ) : (
        <div class="toolbar">
          <label for={selectId}>With job</label>
          <select id={selectId} value={other} onChange={(e) => setOther(e.currentTarget.value)}>
            <option value="">choose…</option>
            {candidates.map((j) => (
              <option key={j.id} value={j.id}>
                {shortId(j.id)} · {formatTime(j.createdAt)} · {j.runs.map((r) => r.host).join(', ')}
                {j.tags.length > 0 ? ` · ${j.tags.join(', ')}` : ''}
              </option>
            ))}
          </select>
          {other && (
            <a class="button" href={routes.compare(base, target)}>
              Compare
            </a>
          )}
        </div>
      )}
    </section>
  );
}
