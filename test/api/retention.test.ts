/**
 * Retention (BPFLEET_RETENTION_DAYS) and DELETE /v1/jobs/:id through the real API and Postgres; the agent is played
 * by this test. The sweep is run as of a clock 40 days ahead, so that today's rows and jobs are the old ones.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventsResult, RunMessage } from '../../libs/contracts/src/index.js';
import { partitionName } from '../../apps/api/src/repositories/run-event.repository.js';
import { RetentionService } from '../../apps/api/src/services/retention.service.js';
import { createTestEnv, sql, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';

const DAY_MS = 24 * 3600 * 1000;
const COLUMNS: EventsResult['columns'] = [{ name: 'n', type: 'int' }];
const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ n: from + i }));

describe('retention', () => {
  let env: TestEnv;
  let api: RunningApi;

  const report = (message: RunMessage) => env.report(message, 'h1');
  const jobStatus = async (jobId: string) => (await api.request('GET', `/v1/jobs/${jobId}`)).body.status;
  /** A job on h1 whose run is running and has sent `chunks` chunks of 5 rows; finished unless `running`. */
  const jobWithRows = async (chunks: number, { running = false } = {}) => {
    const res = await api.request('POST', '/v1/jobs', { body: { tool: 'execsnoop', hosts: ['h1'], durationSec: 60 } });
    const jobId = res.body.id as string;
    const runId = res.body.runs[0].id as string;
    await report({ type: 'running', runId, at: new Date().toISOString() });
    for (let seq = 0; seq < chunks; seq++) await report({ type: 'chunk', runId, seq, rows: rows(seq * 5, 5), at: new Date().toISOString() });
    if (running) {
      await waitFor(async () => (await jobStatus(jobId)) === 'running', { what: 'job running' });
    } else {
      await report({ type: 'succeeded', runId, at: new Date().toISOString(), result: { kind: 'events', columns: COLUMNS, rows: [], total: chunks * 5, dropped: 0, chunks }, stats: {} });
      await waitFor(async () => (await jobStatus(jobId)) === 'succeeded', { what: 'job succeeded' });
    }
    return { jobId, runId };
  };
  const count = async (query: string, values: unknown[]) => Number((await sql<{ n: string }>(env.databaseUrl, query, values))[0]!.n);
  const partitions = async () =>
    (await sql<{ name: string }>(env.databaseUrl, `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'run_events'::regclass ORDER BY 1`)).map((p) => p.name);

  beforeAll(async () => {
    env = await createTestEnv('retention');
    await env.heartbeat('h1');
    api = await startApi(env, { hostOfflineSec: 3600 });
  });

  afterAll(async () => {
    await api?.close();
    await env?.close();
  });

  describe('DELETE /v1/jobs/:id', () => {
    it('deletes a finished job with its runs, results, journal and rows; 409 while it runs', async () => {
      const { jobId, runId } = await jobWithRows(3, { running: true });
      const busy = await api.request('DELETE', `/v1/jobs/${jobId}`);
      expect(busy.status).toBe(409);
      expect(busy.body.message).toBe(`job ${jobId} has not finished (status: running); cancel it first, or wait for it to end`);

      await report({ type: 'succeeded', runId, at: new Date().toISOString(), result: { kind: 'events', columns: COLUMNS, rows: [], total: 15, dropped: 0, chunks: 3 }, stats: {} });
      await waitFor(async () => (await jobStatus(jobId)) === 'succeeded', { what: 'job succeeded' });
      expect(await count('SELECT count(*) AS n FROM run_events WHERE run_id = $1', [runId])).toBe(15);

      const deleted = await api.request('DELETE', `/v1/jobs/${jobId}`);
      expect(deleted.status).toBe(204);
      expect((await api.request('GET', `/v1/jobs/${jobId}`)).status).toBe(404);
      expect((await api.request('GET', `/v1/runs/${runId}/result`)).status).toBe(404);
      expect(await count('SELECT count(*) AS n FROM run_events WHERE run_id = $1', [runId])).toBe(0);
      expect(await count('SELECT count(*) AS n FROM run_journal WHERE run_id = $1', [runId])).toBe(0);
      expect(await count('SELECT count(*) AS n FROM run_results WHERE run_id = $1', [runId])).toBe(0);
      expect((await api.request('DELETE', `/v1/jobs/${jobId}`)).status).toBe(404);
    });

    it('needs the admin scope, a UUID and a known job', async () => {
      const { jobId } = await jobWithRows(1);
      const runner = await api.createToken('ci', ['read', 'run']);
      const refused = await api.request('DELETE', `/v1/jobs/${jobId}`, { token: runner });
      expect(refused.status).toBe(403);
      expect(refused.body.scope).toBe('admin');
      expect((await api.request('DELETE', `/v1/jobs/${randomUUID()}`)).status).toBe(404);
      expect((await api.request('DELETE', '/v1/jobs/42')).body.details[0].field).toBe('id');
      expect(await jobStatus(jobId)).toBe('succeeded');
    });
  });

  it('drops whole partitions past the retention and old untagged jobs; tagged jobs keep their rows until untagged', async () => {
    const plain = await jobWithRows(2);
    const tagged = await jobWithRows(3);
    expect((await api.request('POST', `/v1/jobs/${tagged.jobId}/tags`, { body: { tags: ['baseline'] } })).status).toBe(200);
    const unfinished = await jobWithRows(0, { running: true });
    const today = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()));
    const day = (offset: number) => partitionName(new Date(today.getTime() + offset * DAY_MS));
    expect(await partitions()).toEqual(expect.arrayContaining([day(0), day(1), day(2), 'run_events_kept']));

    const retention = api.app.get(RetentionService);
    const later = new Date(Date.now() + 40 * DAY_MS);
    const sweep = await retention.sweep(later);
    // Retention 30 days, as of 40 days from now: every partition up to 10 days from now is past it.
    expect(sweep.droppedPartitions).toEqual(expect.arrayContaining([day(0), day(1), day(2)]));
    // This plain job and the finished one of the test before; not the tagged one, nor the one still running.
    expect(sweep.deletedJobs).toBe(2);
    const left = await partitions();
    expect(left).not.toContain(day(0));
    expect(left).toEqual(expect.arrayContaining([day(40), day(41), day(42), 'run_events_kept']));

    expect((await api.request('GET', `/v1/jobs/${plain.jobId}`)).status).toBe(404);
    expect(await count('SELECT count(*) AS n FROM run_events WHERE run_id = $1', [plain.runId])).toBe(0);
    expect(await jobStatus(unfinished.jobId)).toBe('running');
    // The tagged job's rows moved into the kept partition, and read back as before.
    expect(await count('SELECT count(*) AS n FROM run_events_kept WHERE run_id = $1', [tagged.runId])).toBe(15);
    const page = await api.request('GET', `/v1/runs/${tagged.runId}/result`);
    expect(page.body).toMatchObject({ rows: rows(0, 15), total: 15, complete: true, nextCursor: null });
    const csv = await api.request('GET', `/v1/runs/${tagged.runId}/result?format=csv`);
    expect(csv.body).toBe(['n', ...rows(0, 15).map((r) => String(r.n))].join('\r\n') + '\r\n');

    // Nothing more to do on a second sweep.
    expect(await retention.sweep(later)).toEqual({ droppedPartitions: [], deletedJobs: 0, deletedKeptRows: 0 });

    expect((await api.request('DELETE', `/v1/jobs/${tagged.jobId}/tags/baseline`)).status).toBe(200);
    expect(await retention.sweep(later)).toEqual({ droppedPartitions: [], deletedJobs: 1, deletedKeptRows: 15 });
    expect((await api.request('GET', `/v1/jobs/${tagged.jobId}`)).status).toBe(404);
  });
});
