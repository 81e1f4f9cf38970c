import { useRoute } from 'preact-iso';
import { api, expectOk } from '../api/client';
import type { Schedule } from '../api/types';
import { useResource } from '../api/use-resource';
import { Page } from '../components/page';
import { Loading, Problem } from '../components/problem';
import { StatusBadge } from '../components/status';
import { formatTime, shortId } from '../format';
import { routes } from '../routes';

/** An API without the schedules feature answers 404 on the list: say so instead of showing an error. */
function Unavailable() {
  return (
    <p class="note" role="note">
      Schedules are not available on this API (GET /v1/schedules answered 404): it predates them.
    </p>
  );
}

const targetText = (job: Schedule['job']) =>
  job.hosts ? job.hosts.join(', ') : job.selector ? Object.entries(job.selector.labels).map(([k, v]) => `${k}=${v}`).join(', ') : 'all hosts';

/** Schedules: cron, zone, what each firing runs, when it last fired and fires next. */
export function SchedulesScreen() {
  const schedules = useResource('schedules', (signal) => expectOk(api.GET('/v1/schedules', { signal, params: { query: { limit: 100 } } })));
  return (
    <Page title="Schedules">
      {schedules.error?.status === 404 ? <Unavailable /> : <Problem error={schedules.error} />}
      {!schedules.data ? (
        !schedules.error && <Loading what="schedules" />
      ) : schedules.data.items.length === 0 ? (
        <p>No schedule yet (POST /v1/schedules creates one).</p>
      ) : (
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Cron</th>
              <th scope="col">Job</th>
              <th scope="col">Enabled</th>
              <th scope="col">Last fired</th>
              <th scope="col">Next</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            {schedules.data.items.map((schedule) => (
              <tr key={schedule.id}>
                <th scope="row">
                  <a href={routes.schedule(schedule.id)}>{schedule.name}</a>
                </th>
                <td>
                  <code>{schedule.cron}</code> <span class="hint">{schedule.timezone}</span>
                </td>
                <td>
                  {schedule.job.tool}, {schedule.job.durationSec} s on {targetText(schedule.job)}
                </td>
                <td>
                  <StatusBadge status={schedule.enabled ? 'enabled' : 'disabled'} />
                </td>
                <td>{formatTime(schedule.lastFiredAt)}</td>
                <td>{formatTime(schedule.nextFireAt)}</td>
                <td class="error-cell">{schedule.lastError ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}

/** One schedule and the jobs its firings made, newest first. */
export function ScheduleScreen() {
  const id = useRoute().params.id!;
  const schedule = useResource(`schedule:${id}`, (signal) => expectOk(api.GET('/v1/schedules/{id}', { signal, params: { path: { id } } })));
  const jobs = useResource(
    `schedule-jobs:${id}`,
    (signal) => expectOk(api.GET('/v1/schedules/{id}/jobs', { signal, params: { path: { id }, query: { limit: 25 } } })),
    () => 5000,
  );
  const data = schedule.data;
  return (
    <Page title={data ? `Schedule ${data.name}` : 'Schedule'}>
      <Problem error={schedule.error ?? jobs.error} />
      {data && (
        <>
          <dl class="summary">
            <div>
              <dt>Cron</dt>
              <dd>
                <code>{data.cron}</code> ({data.timezone})
              </dd>
            </div>
            <div>
              <dt>Enabled</dt>
              <dd>
                <StatusBadge status={data.enabled ? 'enabled' : 'disabled'} />
              </dd>
            </div>
            <div>
              <dt>Next firing</dt>
              <dd>{formatTime(data.nextFireAt)}</dd>
            </div>
            <div>
              <dt>Last fired</dt>
              <dd>{formatTime(data.lastFiredAt)}</dd>
            </div>
            <div>
              <dt>Job tags</dt>
              <dd>
                {data.jobTags.map((tag) => (
                  <a key={tag} href={routes.jobs({ tag })} class="chip-link">
                    {tag}
                  </a>
                ))}
              </dd>
            </div>
          </dl>
          {data.lastError && (
            <p class="problem" role="note">
              Last firing: {data.lastError}
            </p>
          )}
          <details>
            <summary>Job definition</summary>
            <pre>{JSON.stringify(data.job, null, 2)}</pre>
          </details>
        </>
      )}
      <h2>Recent jobs</h2>
      {!jobs.data ? (
        !jobs.error && <Loading what="the schedule's jobs" />
      ) : jobs.data.items.length === 0 ? (
        <p>No firing has made a job yet.</p>
      ) : (
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Status</th>
              <th scope="col">Hosts</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {jobs.data.items.map((job) => (
              <tr key={job.id}>
                <th scope="row">
                  <a href={routes.job(job.id)}>{shortId(job.id)}</a>
                </th>
                <td>
                  <StatusBadge status={job.status} />
                </td>
                <td>{job.runs.map((run) => run.host).join(', ')}</td>
                <td>{formatTime(job.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
