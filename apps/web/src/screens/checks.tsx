import { useLocation, useRoute } from 'preact-iso';
import { api, expectOk } from '../api/client';
import type { Check } from '../api/types';
import { useResource } from '../api/use-resource';
import { Page } from '../components/page';
import { Loading, Problem } from '../components/problem';
import { StatusBadge } from '../components/status';
import { formatNumber, formatThresholdChange, formatTime, shortId } from '../format';
import { routes } from '../routes';

const LIVE_MS = 2000;

const verdictOf = (check: Check) => check.verdict ?? 'running';
const baselineText = (check: Check) => ('tag' in check.baseline && check.baseline.tag ? `tag ${check.baseline.tag}` : 'a job');

/** CI regression checks, newest first, with their verdicts. */
export function ChecksScreen() {
  const { query } = useLocation();
  const cursor = query.cursor ?? '';
  const checks = useResource(
    `checks:${cursor}`,
    (signal) => expectOk(api.GET('/v1/checks', { signal, params: { query: { limit: 25, cursor: cursor || undefined } } })),
    (page) => (page.items.some((check) => check.status === 'running') ? LIVE_MS : null),
  );
  return (
    <Page title="Checks">
      <p class="hint">
        Checks are created by <code>bpfleet check</code> or <code>POST /v1/checks</code>: a candidate job judged against a baseline under thresholds.
      </p>
      <Problem error={checks.error} />
      {!checks.data ? (
        !checks.error && <Loading what="checks" />
      ) : checks.data.items.length === 0 ? (
        <p>No check yet.</p>
      ) : (
        <>
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Check</th>
                <th scope="col">Tool</th>
                <th scope="col">Verdict</th>
                <th scope="col">Thresholds</th>
                <th scope="col">Baseline</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {checks.data.items.map((check) => (
                <tr key={check.id}>
                  <th scope="row">
                    <a href={routes.check(check.id)} title={check.id}>
                      <code>{shortId(check.id)}</code>
                    </a>
                  </th>
                  <td>{check.tool}</td>
                  <td>
                    <StatusBadge status={verdictOf(check)} />
                  </td>
                  <td>{check.thresholds.map((t) => t.name).join(', ')}</td>
                  <td>{baselineText(check)}</td>
                  <td>{formatTime(check.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {checks.data.nextCursor && (
            <nav class="pager" aria-label="Pages">
              <a href={`${routes.checks()}?cursor=${encodeURIComponent(checks.data.nextCursor)}`}>Older checks</a>
            </nav>
          )}
        </>
      )}
    </Page>
  );
}

/** One check: its verdict, the jobs it compared, and the threshold table with each reason. */
export function CheckScreen() {
  const id = useRoute().params.id!;
  const check = useResource(
    `check:${id}`,
    (signal) => expectOk(api.GET('/v1/checks/{id}', { signal, params: { path: { id } } })),
    (data) => (data.status === 'running' ? LIVE_MS : null),
  );
  const data = check.data;
  return (
    <Page title={data ? `Check ${shortId(data.id)} · ${data.tool}` : 'Check'}>
      <Problem error={check.error} />
      {!data ? (
        !check.error && <Loading what="the check" />
      ) : (
        <>
          <dl class="summary">
            <div>
              <dt>Verdict</dt>
              <dd>
                <StatusBadge status={verdictOf(data)} />
              </dd>
            </div>
            <div>
              <dt>Candidate</dt>
              <dd>
                <a href={routes.job(data.candidateJobId)}>{shortId(data.candidateJobId)}</a>
              </dd>
            </div>
            <div>
              <dt>Baseline</dt>
              <dd>
                {baselineText(data)}
                {data.baselineJobId ? (
                  <>
                    {' → '}
                    <a href={routes.job(data.baselineJobId)}>{shortId(data.baselineJobId)}</a>
                  </>
                ) : (
                  ' (none matched)'
                )}
              </dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>{formatTime(data.createdAt)}</dd>
            </div>
            <div>
              <dt>Judged</dt>
              <dd>{formatTime(data.finishedAt)}</dd>
            </div>
          </dl>
          {data.baselineJobId && (
            <p>
              <a class="button" href={routes.compare(data.baselineJobId, data.candidateJobId)}>
                Compare baseline and candidate
              </a>
            </p>
          )}
          <table class="data thresholds">
            <caption>Thresholds</caption>
            <thead>
              <tr>
                <th scope="col">Threshold</th>
                <th scope="col">Limit</th>
                <th scope="col" class="num">Baseline</th>
                <th scope="col" class="num">Candidate</th>
                <th scope="col" class="num">Change</th>
                <th scope="col" class="num">p</th>
                <th scope="col">Result</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {data.thresholds.map((t) => (
                <tr key={t.name}>
                  <th scope="row">
                    <code>{t.name}</code>
                  </th>
                  <td>
                    <code>{t.limit}</code>
                  </td>
                  <td class="num">{formatNumber(t.baseline)}</td>
                  <td class="num">{formatNumber(t.candidate)}</td>
                  <td class="num">{formatThresholdChange(t.change, t.limit)}</td>
                  <td class="num">{t.pValue === null ? '–' : t.pValue < 1e-15 ? 'p<1e-15' : t.pValue.toPrecision(2)}</td>
                  <td>
                    <StatusBadge status={t.pass === null ? 'inconclusive' : t.pass ? 'pass' : 'fail'} />
                  </td>
                  <td>{t.why}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Page>
  );
}
