import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACE_RESULTS_QUEUE, type CountsResult, type RunMessage } from '../../libs/contracts/src/index.js';
import { createTestEnv, sql, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';

const result: CountsResult = {
  kind: 'counts',
  keys: ['syscall'],
  rows: [
    { syscall: 'getppid', count: 23 },
    { syscall: 'read', count: 5 },
  ],
  total: 28,
};

describe('results processor', () => {
  let env: TestEnv;
  let api: RunningApi;

  /** As the agent of the run's host reports it (signed). */
  const send = (message: RunMessage) => env.report(message);

  const createJob = async (hosts = ['h1']) => {
    const res = await api.request('POST', '/v1/jobs', { body: { tool: 'syscount', hosts, durationSec: 2 } });
    expect(res.status).toBe(201);
    return res.body as { id: string; runs: { id: string; host: string }[] };
  };

  const runRow = async (runId: string) =>
    (await sql<{ status: string; started_at: Date | null; finished_at: Date | null; error: string | null; stats: unknown }>(
      env.databaseUrl,
      `SELECT status, started_at, finished_at, error, stats FROM runs WHERE id = $1`,
      [runId],
    ))[0];

  beforeAll(async () => {
    env = await createTestEnv('results');
    await env.heartbeat('h1');
    await env.heartbeat('h2');
    api = await startApi(env);
  });

  afterAll(async () => {
    await api?.close();
    await env?.close();
  });

  it('running, then succeeded twice: one stored result, run and job succeeded', async () => {
    const job = await createJob();
    const runId = job.runs[0].id;

    const pending = await api.request('GET', `/v1/runs/${runId}/result`);
    expect(pending.status).toBe(404);
    expect(pending.body.message).toContain('no result yet (status: queued)');

    const startedAt = new Date(Date.now() - 2000).toISOString();
    await send({ type: 'running', runId, at: startedAt });
    await waitFor(async () => (await runRow(runId)).status === 'running', { what: 'run running' });
    expect((await api.request('GET', `/v1/jobs/${job.id}`)).body.status).toBe('running');

    const finishedAt = new Date().toISOString();
    const succeeded: RunMessage = { type: 'succeeded', runId, at: finishedAt, result, stats: { attachMs: 12, tracedMs: 2000 } };
    await send(succeeded);
    await send(succeeded);
    await waitFor(async () => (await env.queue(TRACE_RESULTS_QUEUE).getCompletedCount()) >= 3, { what: 'messages processed' });

    const rows = await sql(env.databaseUrl, `SELECT kind, result FROM run_results WHERE run_id = $1`, [runId]);
    expect(rows).toEqual([{ kind: 'counts', result }]);
    const run = await runRow(runId);
    expect(run.status).toBe('succeeded');
    expect(run.started_at?.toISOString()).toBe(startedAt);
    expect(run.finished_at?.toISOString()).toBe(finishedAt);
    expect(run.stats).toEqual({ attachMs: 12, tracedMs: 2000 });

    const got = await api.request('GET', `/v1/runs/${runId}/result`);
    expect(got).toMatchObject({ status: 200, body: result });
    const jobView = await api.request('GET', `/v1/jobs/${job.id}`);
    expect(jobView.body.status).toBe('succeeded');
    expect(jobView.body.runs[0]).toMatchObject({ status: 'succeeded', startedAt, finishedAt, error: null });
  });

  it('never moves a finished run back to running', async () => {
    const job = await createJob();
    const runId = job.runs[0].id;
    await send({ type: 'succeeded', runId, at: new Date().toISOString(), result, stats: {} });
    await waitFor(async () => (await runRow(runId)).status === 'succeeded', { what: 'run succeeded' });
    await send({ type: 'running', runId, at: new Date().toISOString() });
    await send({ type: 'failed', runId, at: new Date().toISOString(), error: 'late failure' });
    const queue = env.queue(TRACE_RESULTS_QUEUE);
    await waitFor(async () => (await queue.getWaitingCount()) + (await queue.getActiveCount()) === 0, {
      what: 'queue drained',
    });
    expect((await runRow(runId)).status).toBe('succeeded');
  });

  it('a failed run and a succeeded one make a partial job; the failed run says why', async () => {
    const job = await createJob(['h1', 'h2']);
    const [a, b] = job.runs;
    await send({ type: 'succeeded', runId: a.id, at: new Date().toISOString(), result, stats: {} });
    await send({ type: 'failed', runId: b.id, at: new Date().toISOString(), error: 'tracepoint raw_syscalls/sys_enter not found' });
    const view = await waitFor(async () => {
      const res = await api.request('GET', `/v1/jobs/${job.id}`);
      return res.body.status === 'partial' && res.body;
    }, { what: 'job partial' });
    expect(view.runs.find((run: { id: string }) => run.id === b.id)).toMatchObject({
      status: 'failed',
      error: 'tracepoint raw_syscalls/sys_enter not found',
    });
    const missing = await api.request('GET', `/v1/runs/${b.id}/result`);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain('status: failed');
  });

  it('ignores malformed messages and messages for unknown runs without stopping', async () => {
    const queue = env.queue(TRACE_RESULTS_QUEUE);
    await queue.add('junk', { type: 'succeeded', runId: 'nope' });
    await queue.add('unknown', { type: 'running', runId: randomUUID(), at: new Date().toISOString() });
    const job = await createJob();
    await send({ type: 'running', runId: job.runs[0].id, at: new Date().toISOString() });
    await waitFor(async () => (await runRow(job.runs[0].id)).status === 'running', { what: 'run running after junk' });
  });

  it('stores a result that arrived while the API was down', async () => {
    const job = await createJob();
    const runId = job.runs[0].id;
    await api.close();

    await send({ type: 'succeeded', runId, at: new Date().toISOString(), result, stats: { tracedMs: 2000 } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await env.queue(TRACE_RESULTS_QUEUE).getWaitingCount()).toBe(1);
    expect((await runRow(runId)).status).toBe('queued');

    api = await startApi(env);
    await waitFor(async () => (await runRow(runId)).status === 'succeeded', { what: 'result stored after restart' });
    const got = await api.request('GET', `/v1/runs/${runId}/result`);
    expect(got).toMatchObject({ status: 200, body: result });
  });
});
