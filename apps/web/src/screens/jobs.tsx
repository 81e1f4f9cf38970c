import { useId, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, expectOk } from '../api/client';
import { FINAL_JOB_STATUSES, type Job, type JobQuery } from '../api/types';
import { useResource } from '../api/use-resource';
import { Page } from '../components/page';
import { Loading, Problem } from '../components/problem';
import { StatusBadge } from '../components/status';
import { formatAgo, formatTime, shortId } from '../format';
import { routes } from '../routes';

const JOB_STATUSES = ['queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled'] as const;
const LIVE_MS = 1500;
const IDLE_MS = 10_000;
const FILTERS = ['tool', 'host', 'tag', 'status'] as const;

/**
 * Jobs, newest first, filtered by tool, host, tag and status (kept in the URL, so a filtered list is a link).
 * The page is polled — every 1.5 s while a job on it is in flight, every 10 s otherwise — until the API
 * streams job events. Two jobs can be picked for a comparison.
 */
export function JobsScreen() {
  const { query, route } = useLocation();
  const filters = Object.fromEntries(FILTERS.map((name) => [name, query[name] ?? ''])) as Record<(typeof FILTERS)[number], string>;
  const cursor = query.cursor ?? '';
  const key = JSON.stringify([filters, cursor]);
  const jobs = useResource(
    `jobs:${key}`,
    (signal) =>
      expectOk(
        api.GET('/v1/jobs', {
          signal,
          params: {
            query: {
              limit: 25,
              cursor: cursor || undefined,
              tool: (filters.tool || undefined) as JobQuery['tool'],
              host: filters.host || undefined,
              tag: filters.tag || undefined,
              status: (filters.status || undefined) as JobQuery['status'],
            },
          },
        }),
      ),
    (page) => (page.items.some((job) => !FINAL_JOB_STATUSES.has(job.status)) ? LIVE_MS : IDLE_MS),
  );
  const tools = useResource('tools', (signal) => expectOk(api.GET('/v1/tools', { signal })));
  const hosts = useResource('hosts', (signal) => expectOk(api.GET('/v1/hosts', { signal })));
  const [picked, setPicked] = useState<string[]>([]);
  const setFilter = (name: string, value: string) => route(routes.jobs({ ...filters, [name]: value }), true);
  const toggle = (id: string) => setPicked((ids) => (ids.includes(id) ? ids.filter((i) => i !== id) : [...ids.slice(-1), id]));
  const ids = { tool: useId(), host: useId(), tag: useId(), status: useId() };
  const now = Date.now();

  const compare = () => {
    const chosen = (jobs.data?.items ?? []).filter((job) => picked.includes(job.id));
    // The older job is the base, so the deltas read "what changed since".
    const [base, target] = chosen.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
    if (base && target) route(routes.compare(base.id, target.id));
  };

  return (
    <Page title="Jobs" actions={<a class="button primary" href={routes.newJob()}>New job</a>}>
      <form class="filters" aria-label="Filter jobs" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for={ids.tool}>Tool</label>
          <select id={ids.tool} value={filters.tool} onChange={(e) => setFilter('tool', e.currentTarget.value)}>
            <option value="">any</option>
            {tools.data?.map((tool) => (
              <option key={tool.name} value={tool.name}>
                {tool.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={ids.host}>Host</label>
          <select id={ids.host} value={filters.host} onChange={(e) => setFilter('host', e.currentTarget.value)}>
            <option value="">any</option>
            {(hosts.data ?? []).map((host) => (
              <option key={host.name} value={host.name}>
                {host.name}
              </option>
            ))}
            {filters.host && !hosts.data?.some((h) => h.name === filters.host) && <option value={filters.host}>{filters.host}</option>}
          </select>
        </div>
        <div class="field">
          <label for={ids.tag}>Tag</label>
          <input id={ids.tag} type="search" value={filters.tag} onChange={(e) => setFilter('tag', e.currentTarget.value.trim())} />
        </div>
        <div class="field">
          <label for={ids.status}>Status</label>
          <select id={ids.status} value={filters.status} onChange={(e) => setFilter('status', e.currentTarget.value)}>
            <option value="">any</option>
            {JOB_STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </div>
      </form>
      <Problem error={jobs.error} />
      {!jobs.data ? (
        !jobs.error && <Loading what="jobs" />
      ) : jobs.data.items.length === 0 ? (
        <p>No job matches.</p>
      ) : (
        <>
          <div class="toolbar">
            <button type="button" disabled={picked.length !== 2} onClick={compare}>
              Compare selected
            </button>
            <span class="hint">{picked.length === 2 ? 'the older job is the base' : 'select two jobs of one tool to compare them'}</span>
          </div>
          <table class="data jobs">
            <caption class="visually-hidden">Jobs, newest first; statuses refresh while jobs run</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span class="visually-hidden">Select for comparison</span>
                </th>
                <th scope="col">Job</th>
                <th scope="col">Tool</th>
                <th scope="col">Status</th>
                <th scope="col">Runs</th>
                <th scope="col">Tags</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.items.map((job) => (
                <JobRow key={job.id} job={job} now={now} picked={picked.includes(job.id)} onPick={() => toggle(job.id)} />
              ))}
            </tbody>
          </table>
          <nav class="pager" aria-label="Pages">
            {cursor && <a href={routes.jobs(filters)}>Newest jobs</a>}
            {jobs.data.nextCursor && <a href={routes.jobs({ ...filters, cursor: jobs.data.nextCursor })}>Older jobs</a>}
          </nav>
        </>
      )}
    </Page>
  );
}

function JobRow({ job, now, picked, onPick }: { job: Job; now: number; picked: boolean; onPick(): void }) {
  return (
    <tr>
      <td>
        <input type="checkbox" checked={picked} onChange={onPick} aria-label={`Select job ${shortId(job.id)} (${job.tool}) for comparison`} />
      </td>
      <th scope="row">
        <a href={routes.job(job.id)} title={job.id}>
          <code>{shortId(job.id)}</code>
        </a>
      </th>
      <td>{job.tool}</td>
      <td>
        <StatusBadge status={job.status} />
      </td>
      <td>
        <ul class="runs">
          {job.runs.map((run) => (
            <li key={run.id}>
              {run.host} <StatusBadge status={run.status} />
            </li>
          ))}
        </ul>
      </td>
      <td>
        <ul class="chips">
          {job.tags.map((tag) => (
            <li key={tag}>{tag}</li>
          ))}
        </ul>
      </td>
      <td>
        <time dateTime={job.createdAt} title={formatTime(job.createdAt)}>
          {formatAgo(job.createdAt, now)}
        </time>
      </td>
    </tr>
  );
}
