import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  hostCancelChannel,
  runCancelKey,
  traceHostQueueName,
  type CountsResult,
  type RunMessage,
} from '../../libs/contracts/src/index.js';
import { RedisRepository } from '../../apps/api/src/repositories/redis.repository.js';
import { createRedis, createTestEnv, sql, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';

const partial: CountsResult = { kind: 'counts', keys: ['syscall'], rows: [{ syscall: 'read', count: 7 }], total: 7 };

describe('cancel a job', () => {
  let env: TestEnv;
  let api: RunningApi;
  const closers: (() => Promise<unknown>)[] = [];

  /** As the agent of the run's host reports it (signed). */
  const send = (message: RunMessage) => env.report(message);

  const createJob = async (hosts: string[], durationSec = 60) => {
    const res = await api.request('POST', '/v1/jobs', { body: { tool: 'syscount', hosts, durationSec } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; runs: { id: string; host: string }[] };
  };
  const getJob = async (id: string) => (await api.request('GET', `/v1/jobs/${id}`)).body;
  const cancel = (id: string) => api.request('POST', `/v1/jobs/${id}/cancel`);
  const runStatus = async (id: string) =>
    (await sql<{ status: string }>(env.databaseUrl, `SELECT status FROM runs WHERE id = $1`, [id]))[0].status;

  /** Stands in for an agent that has taken `host`'s next run off the queue and is tracing (the job stays locked). */
  const busyAgent = async (host: string) => {
    const connection = createRedis();
    const subscriber = createRedis();
    const nudges: string[] = [];
    await subscriber.subscribe(hostCancelChannel(env.queuePrefix, host));
    subscriber.on('message', (_channel: string, runId: string) => nudges.push(runId));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const taken: string[] = [];
    const worker = new Worker(
      traceHostQueueName(host),
      async (job) => {
        taken.push(job.id!);
        await held;
      },
      { connection, prefix: env.queuePrefix },
    );
    closers.push(async () => {
      release();
      await worker.close();
      connection.disconnect();
      subscriber.disconnect();
    });
    return { nudges, taken };
  };

  beforeAll(async () => {
    env = await createTestEnv('cancel');
    for (const host of ['idle', 'busy', 'busy2']) await env.heartbeat(host);
    api = await startApi(env);
  });

  afterAll(async () => {
    for (const close of closers) await close().catch(() => {});
    await api?.close();
    await env?.close();
  });

  it('cancels a queued run at once: gone from its Redis queue, run and job cancelled; a second cancel answers the same', async () => {
    const job = await createJob(['idle']);
    const runId = job.runs[0].id;
    const queue = env.queue(traceHostQueueName('idle'));
    expect(await queue.getJob(runId)).toBeDefined();

    const res = await cancel(job.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(await getJob(job.id));
    expect(res.body.status).toBe('cancelled');
    expect(res.body.runs[0]).toMatchObject({ id: runId, status: 'cancelled', startedAt: null, error: null });
    expect(Date.parse(res.body.runs[0].finishedAt)).not.toBeNaN();
    expect(await queue.getJob(runId)).toBeUndefined();
    expect(await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).toEqual({
      waiting: 0,
      active: 0,
      delayed: 0,
      prioritized: 0,
    });

    const again = await cancel(job.id);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);
  });

  it('signals a running run to its agent through Redis; the run is cancelled when the agent reports it, with its partial result', async () => {
    const agent = await busyAgent('busy');
    const job = await createJob(['busy']);
    const runId = job.runs[0].id;
    await waitFor(() => agent.taken.includes(runId), { what: 'the agent to take the run' });
    await send({ type: 'running', runId, at: new Date().toISOString() });
    await waitFor(async () => (await runStatus(runId)) === 'running', { what: 'run running' });

    const res = await cancel(job.id);
    expect(res.status).toBe(200);
    // The agent has not confirmed yet.
    expect(res.body).toMatchObject({ status: 'running', runs: [{ id: runId, status: 'running' }] });
    expect(await env.redis.get(runCancelKey(env.queuePrefix, 'busy', runId))).not.toBeNull();
    expect(await env.redis.ttl(runCancelKey(env.queuePrefix, 'busy', runId))).toBeGreaterThan(60);
    await waitFor(() => agent.nudges.includes(runId), { what: 'the nudge on the host channel' });

    // Cancelling again while the agent works on it re-signals and answers the job again.
    expect((await cancel(job.id)).status).toBe(200);

    await send({ type: 'cancelled', runId, at: new Date().toISOString(), result: partial, stats: { tracedMs: 1234 } });
    const done = await waitFor(async () => (await getJob(job.id)).status === 'cancelled' && getJob(job.id), {
      what: 'job cancelled',
    });
    expect(done.runs[0]).toMatchObject({ status: 'cancelled', error: null, stats: { tracedMs: 1234 } });
    const stored = await api.request('GET', `/v1/runs/${runId}/result`);
    expect(stored).toMatchObject({ status: 200, body: partial });
  });

  it('leaves a run an agent took just now (still queued in Postgres) to that agent, which finds the cancel key', async () => {
    const agent = await busyAgent('busy2');
    const job = await createJob(['busy2', 'idle']);
    const taken = job.runs.find((run) => run.host === 'busy2')!;
    const waiting = job.runs.find((run) => run.host === 'idle')!;
    await waitFor(() => agent.taken.includes(taken.id), { what: 'the agent to take the run' });

    const res = await cancel(job.id);
    expect(res.status).toBe(200);
    const byHost = Object.fromEntries(res.body.runs.map((run: { host: string; status: string }) => [run.host, run.status]));
    expect(byHost).toEqual({ busy2: 'queued', idle: 'cancelled' });
    expect(res.body.status).toBe('running');
    expect(await env.queue(traceHostQueueName('busy2')).getJobState(taken.id)).toBe('active');
    expect(await env.redis.get(runCancelKey(env.queuePrefix, 'busy2', taken.id))).not.toBeNull();
    expect(await env.queue(traceHostQueueName('idle')).getJob(waiting.id)).toBeUndefined();

    // The agent never attached: it reports cancelled without a result.
    await send({ type: 'cancelled', runId: taken.id, at: new Date().toISOString() });
    await waitFor(async () => (await getJob(job.id)).status === 'cancelled', { what: 'job cancelled' });
    expect((await api.request('GET', `/v1/runs/${taken.id}/result`)).body.message).toContain('status: cancelled');
  });

  it('keeps a run cancelled when a late success arrives, and stores its result (true data)', async () => {
    const job = await createJob(['idle']);
    const runId = job.runs[0].id;
    expect((await cancel(job.id)).body.status).toBe('cancelled');
    await send({ type: 'succeeded', runId, at: new Date().toISOString(), result: partial, stats: {} });
    await waitFor(async () => (await api.request('GET', `/v1/runs/${runId}/result`)).status === 200, { what: 'result stored' });
    expect(await runStatus(runId)).toBe('cancelled');
    expect((await getJob(job.id)).status).toBe('cancelled');
  });

  it('refuses a finished job with 409 naming its status, and leaves it untouched', async () => {
    const job = await createJob(['idle'], 2);
    const runId = job.runs[0].id;
    await send({ type: 'succeeded', runId, at: new Date().toISOString(), result: partial, stats: {} });
    await waitFor(async () => (await runStatus(runId)) === 'succeeded', { what: 'run succeeded' });

    const res = await cancel(job.id);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    expect(res.body.message).toContain(`job ${job.id} already finished (status: succeeded)`);
    expect((await getJob(job.id)).status).toBe('succeeded');
    expect(await env.redis.get(runCancelKey(env.queuePrefix, 'idle', runId))).toBeNull();
  });

  it('404 for an unknown job, 400 naming id for a non-UUID, 401 without a token', async () => {
    const unknown = await cancel('00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('not found');
    const bad = await cancel('not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^id: must be a UUID/);
    expect((await api.request('POST', '/v1/jobs/00000000-0000-4000-8000-000000000000/cancel', { token: null })).status).toBe(401);
  });

  it('answers 503 when Redis does not take the cancel, and a retry succeeds', async () => {
    const job = await createJob(['idle']);
    const spy = vi.spyOn(api.app.get(RedisRepository), 'requestEnd').mockRejectedValueOnce(new Error('connection refused'));
    const res = await cancel(job.id);
    spy.mockRestore();
    expect(res.status).toBe(503);
    expect(res.body.message).toContain('retry');
    expect((await getJob(job.id)).status).toBe('queued');
    expect((await cancel(job.id)).body.status).toBe('cancelled');
  });
});
