import { Queue, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TRACE_RESULTS_QUEUE, traceHostQueueName, type RunMessage, type TraceJobPayload } from '../../libs/contracts/src/index.js';
import type { Signed } from '../../libs/contracts/src/signing.js';
import { startAgent, type AgentProcess } from '../support/agent-process.js';
import { describeKernel } from '../support/kernel.js';
import { createRedis, deletePrefix, testRedisUrl, uniquePrefix } from '../support/redis.js';
import { waitFor } from '../support/wait.js';

/**
 * A real agent process against real BullMQ queues (no API, no Postgres): runs are put on `trace-host-<host>`
 * as the API puts them, and what the agent reports is read off `trace-results`, with the agent's own timestamps.
 */
describeKernel('agent concurrency and lost runs', () => {
  const prefix = uniquePrefix('agent-lifecycle');
  const agents: AgentProcess[] = [];
  const connections: Redis[] = [];
  const queues: Queue[] = [];
  const stale: Worker[] = [];
  let redis: Redis;
  let results: Queue<Signed<RunMessage>>;

  const connection = () => {
    const c = createRedis();
    connections.push(c);
    return c;
  };
  const agent = (host: string, concurrency?: number) => {
    const started = startAgent(host, { redisUrl: testRedisUrl(), queuePrefix: prefix, concurrency });
    agents.push(started);
    return started;
  };
  const hostQueue = (host: string) => {
    const queue = new Queue<TraceJobPayload>(traceHostQueueName(host), { connection: connection(), prefix });
    queues.push(queue);
    return queue;
  };
  /** Puts a run on the host's queue as the API does (job id = run id, never retried by BullMQ). */
  const enqueue = async (host: string, durationSec: number) => {
    const runId = randomUUID();
    const payload: TraceJobPayload = { jobId: randomUUID(), runId, host, tool: 'syscount', durationSec, params: {} };
    await hostQueue(host).add('trace', payload, { jobId: runId, attempts: 1 });
    return runId;
  };
  /** What the agent reported of a run, each message without its signature. */
  const messagesOf = async (runId: string) =>
    (await results.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed']))
      .map(({ data: { signature: _signature, ...message } }) => message as RunMessage)
      .filter((m) => m.runId === runId);
  const finalOf = (runId: string, timeoutMs = 60_000) =>
    waitFor(async () => (await messagesOf(runId)).find((m) => m.type !== 'running'), { timeoutMs, what: `the outcome of run ${runId}` });
  /**
   * Stands in for an agent that took the host's next run and died before attaching: a worker that holds the job
   * and is then dropped without finishing it, so its lock (1 s) lapses as a killed agent's does.
   */
  const holdAndDie = async (host: string, options: { stalledCheck: boolean; progress?: object }) => {
    let taken!: () => void;
    const held = new Promise<void>((resolve) => (taken = resolve));
    const worker = new Worker<TraceJobPayload>(
      traceHostQueueName(host),
      async (job) => {
        if (options.progress) await job.updateProgress(options.progress);
        taken();
        await new Promise(() => {});
      },
      {
        connection: connection(),
        prefix,
        lockDuration: 1000,
        // Its stall checks would otherwise hold off the real agent's for BullMQ's default 30 s.
        ...(options.stalledCheck ? { stalledInterval: 500, maxStalledCount: 1 } : { skipStalledCheck: true }),
      },
    );
    stale.push(worker);
    await held;
    await worker.close(true);
  };

  beforeAll(() => {
    redis = createRedis();
    results = new Queue<Signed<RunMessage>>(TRACE_RESULTS_QUEUE, { connection: connection(), prefix });
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    for (const worker of stale) await worker.close(true).catch(() => {});
    for (const queue of [...queues, results]) await queue?.close().catch(() => {});
    for (const c of connections) c.disconnect();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('runs at most BPFLEET_AGENT_CONCURRENCY runs at once; the next waits in its queue until one ends', async () => {
    const host = `conc-${process.pid}`;
    agent(host, 2);
    const runIds = [await enqueue(host, 3), await enqueue(host, 3), await enqueue(host, 3)];
    for (const runId of runIds) expect(await finalOf(runId)).toMatchObject({ type: 'succeeded' });

    // Each run's window, from its agent's `running` (probes attached) to its outcome.
    const windows = await Promise.all(
      runIds.map(async (runId) => {
        const messages = await messagesOf(runId);
        const at = (type: string) => Date.parse(messages.find((m) => m.type === type)!.at);
        return { start: at('running'), end: at('succeeded') };
      }),
    );
    const events = windows.flatMap((w) => [
      { at: w.start, delta: 1 },
      { at: w.end, delta: -1 },
    ]);
    events.sort((a, b) => a.at - b.at || a.delta - b.delta);
    let open = 0;
    let most = 0;
    for (const event of events) most = Math.max(most, (open += event.delta));
    expect(most).toBe(2);
    const [first, second, third] = [...windows].sort((a, b) => a.start - b.start);
    expect(third!.start).toBeGreaterThanOrEqual(Math.min(first!.end, second!.end));
  });

  it('on SIGTERM aborts its runs, reports them failed with the reason, and exits 0 after its ordered shutdown', async () => {
    const host = `term-${process.pid}`;
    const stopping = agent(host);
    const runId = await enqueue(host, 60);
    await waitFor(async () => (await messagesOf(runId)).some((m) => m.type === 'running'), { timeoutMs: 30_000, what: 'run running' });
    await stopping.stop();

    expect(stopping.child.exitCode).toBe(0);
    expect(await finalOf(runId, 5000)).toMatchObject({ type: 'failed', error: `the agent on ${host} shut down during the run` });
    expect(await hostQueue(host).getJobState(runId)).toBe('completed');
  });

  it('runs again, once its host has an agent, a run whose agent was lost before attaching', async () => {
    const host = `lost-early-${process.pid}`;
    const runId = await enqueue(host, 1);
    await holdAndDie(host, { stalledCheck: false });
    agent(host);

    expect(await finalOf(runId)).toMatchObject({ type: 'succeeded', result: { kind: 'counts' } });
    expect((await messagesOf(runId)).map((m) => m.type).sort()).toEqual(['running', 'succeeded']);
    const job = (await hostQueue(host).getJob(runId))!;
    expect(job.stalledCounter).toBe(1);
    // The agent reports before BullMQ moves the job to completed.
    await waitFor(async () => (await job.getState()) === 'completed', { what: 'the job completed' });
  });

  it('fails, never reruns, a run whose agent was killed after attaching (SIGKILL): its next incarnation reports it at start', async () => {
    const host = `lost-late-${process.pid}`;
    const doomed = agent(host);
    const runId = await enqueue(host, 60);
    await waitFor(async () => (await messagesOf(runId)).some((m) => m.type === 'running'), { timeoutMs: 30_000, what: 'run running' });
    await doomed.kill();
    agent(host);

    expect(await finalOf(runId)).toEqual({
      type: 'failed',
      runId,
      at: expect.any(String),
      error: `the agent on ${host} restarted during the run (its previous process was lost after attaching the probes); the run cannot be resumed`,
    });
    expect((await messagesOf(runId)).map((m) => m.type).sort()).toEqual(['failed', 'running']);
  });

  it('fails a run whose agent was lost before attaching twice: a run is retried once', async () => {
    const host = `lost-twice-${process.pid}`;
    const runId = await enqueue(host, 1);
    await holdAndDie(host, { stalledCheck: false });
    // The second holder's stall check finds the first one's lapsed lock and takes the run again (1st retry).
    await holdAndDie(host, { stalledCheck: true });
    agent(host);

    expect(await finalOf(runId)).toEqual({
      type: 'failed',
      runId,
      at: expect.any(String),
      error: `the agent on ${host} was lost while preparing the run, again after a retry; the run is not retried again`,
    });
    expect((await messagesOf(runId)).map((m) => m.type)).toEqual(['failed']);
    expect((await hostQueue(host).getJob(runId))!.stalledCounter).toBe(2);
  });
});
