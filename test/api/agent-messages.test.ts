import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportJobIdPrefix, TRACE_RESULTS_QUEUE } from '../../libs/contracts/src/index.js';
import { signMessage } from '../../libs/contracts/src/signing.js';
import { createTestEnv, sql, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';

/**
 * Only the agent of a run's host can report it: on the real API, messages signed by another host's agent,
 * unsigned ones and ones changed after signing are dropped, and the run stays as it was.
 */
describe('who may report a run', () => {
  let env: TestEnv;
  let api: RunningApi;

  const status = async (runId: string) => (await sql<{ status: string }>(env.databaseUrl, 'SELECT status FROM runs WHERE id = $1', [runId]))[0]!.status;
  /** Waits until every message so far was taken off trace-results (applied or dropped). */
  const drained = () =>
    waitFor(async () => {
      const queue = env.queue(TRACE_RESULTS_QUEUE);
      return (await queue.getWaitingCount()) + (await queue.getActiveCount()) + (await queue.getDelayedCount()) === 0;
    }, { what: 'trace-results drained' });

  beforeAll(async () => {
    env = await createTestEnv('agent-messages');
    await env.heartbeat('h1');
    await env.heartbeat('h2');
    api = await startApi(env);
  });

  afterAll(async () => {
    await api?.close();
    await env?.close();
  });

  it("drops what host h2's agent, an unsigned sender or a tamperer says of a run of h1, and applies what h1's agent says", async () => {
    const created = await api.request('POST', '/v1/jobs', { body: { tool: 'syscount', hosts: ['h1'], durationSec: 5 } });
    expect(created.status).toBe(201);
    const runId = created.body.runs[0].id as string;
    const failed = { type: 'failed' as const, runId, at: new Date().toISOString(), error: 'forged' };

    await env.report(failed, 'h2');
    await env.queue(TRACE_RESULTS_QUEUE).add('failed', failed, { jobId: `unsigned-${runId}` });
    const { signingKey } = await env.agent('h1');
    const tampered = { ...signMessage({ ...failed, error: 'genuine' }, 'h1', signingKey), error: 'forged' };
    await env.queue(TRACE_RESULTS_QUEUE).add('failed', tampered, { jobId: `${reportJobIdPrefix('h1')}tampered-${runId}` });
    await drained();
    expect(await status(runId)).toBe('queued');

    await env.report({ type: 'running', runId, at: new Date().toISOString() });
    await waitFor(async () => (await status(runId)) === 'running', { what: 'the genuine report applied' });
  });
});
