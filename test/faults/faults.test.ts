import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAgent, type AgentProcess } from '../support/agent-process.js';
import { createTestEnv, sql, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';
import { describeKernel } from '../support/kernel.js';
import { getppidWorkload } from '../support/workload.js';
import { startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis } from './services.js';

/**
 * Faults survived, on real parts: real agent processes tracing with real BPF programs, the real API, and a Redis
 * and a Postgres of this suite's own that it stops and restarts while runs are in flight. Each run must end in a
 * true final state with its whole result (syscount filtered on a workload that makes exactly N getppid() calls:
 * the count is N), nothing may stay queued or running, and no BPF program may remain in the kernel.
 *
 * The timeouts this relies on: an agent's BullMQ lock lives 10 s and its stall check runs every 5 s
 * (apps/worker/src/trace.processor.ts); the API calls a host offline after 15 s without heartbeat (its default
 * BPFLEET_HOST_OFFLINE_SEC) and then fails its running runs.
 */
describeKernel('faults survived', () => {
  const SYSCOUNT = new Set(['syscount_enter', 'syscount_exit']);
  let redis: PrivateRedis;
  let postgres: PrivatePostgres;
  let env: TestEnv;
  let api: RunningApi;
  const agents = new Map<string, AgentProcess>();
  const saved = { REDIS_URL: process.env.REDIS_URL, DATABASE_URL: process.env.DATABASE_URL };
  let programsBefore: Set<number>;

  const syscountPrograms = () =>
    (JSON.parse(execFileSync('bpftool', ['prog', 'show', '-j'], { encoding: 'utf8' })) as { id: number; name?: string }[]).filter(
      (p) => SYSCOUNT.has(p.name ?? ''),
    );
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const agent = (host: string) => {
    const previous = agents.get(host);
    const started = startAgent(host, { redisUrl: env.redisUrl, queuePrefix: env.queuePrefix, credentialsFile: previous?.credentialsFile });
    agents.set(host, started);
    return started;
  };
  const online = (host: string) =>
    waitFor(
      async () => (await api.request('GET', '/v1/hosts')).body.find((h: { name: string; status: string }) => h.name === host && h.status === 'online'),
      { timeoutMs: 30_000, what: `host ${host} online` },
    );

  /** A syscount job on `host`, filtered on a fresh workload that makes exactly `calls` getppid() calls when told. */
  const traceWorkload = async (host: string, durationSec: number, calls = 500) => {
    const workload = getppidWorkload(calls);
    const res = await api.request('POST', '/v1/jobs', { body: { tool: 'syscount', hosts: [host], durationSec, params: { pid: workload.pid } } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { jobId: res.body.id as string, runId: res.body.runs[0].id as string, calls, workload };
  };
  const runOf = async (jobId: string) => (await api.request('GET', `/v1/jobs/${jobId}`)).body.runs[0];
  const running = (jobId: string) => waitFor(async () => (await runOf(jobId)).status === 'running', { timeoutMs: 30_000, what: 'run running' });
  const ended = (jobId: string, timeoutMs = 30_000) =>
    waitFor(async () => {
      const run = await runOf(jobId);
      return !['queued', 'running'].includes(run.status) && run;
    }, { timeoutMs, what: `job ${jobId} ended` });
  /** The run succeeded and its stored count is exactly what the workload did: nothing was lost. */
  const expectWhole = async (job: { jobId: string; runId: string; calls: number }) => {
    const run = await ended(job.jobId, 60_000);
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'succeeded', error: null });
    const result = (await api.request('GET', `/v1/runs/${job.runId}/result`)).body;
    expect(result.rows.find((row: { syscall: string }) => row.syscall === 'getppid')?.count).toBe(job.calls);
    return run;
  };

  beforeAll(async () => {
    [redis, postgres] = await Promise.all([startPrivateRedis(), startPrivatePostgres()]);
    process.env.REDIS_URL = redis.url;
    process.env.DATABASE_URL = postgres.url;
    env = await createTestEnv('faults');
    api = await startApi(env, { hostOfflineSec: 15, runGraceSec: 60 });
    programsBefore = new Set(syscountPrograms().map((p) => p.id));
    agent('fault-a');
    agent('fault-b');
    await Promise.all([online('fault-a'), online('fault-b')]);
  });

  afterAll(async () => {
    for (const started of agents.values()) await started.stop();
    await api?.close();
    await env?.close();
    await Promise.all([redis?.close(), postgres?.close()]);
    Object.assign(process.env, saved);
    for (const [name, value] of Object.entries(saved)) if (value === undefined) delete process.env[name];
  });

  it('a Redis restart mid-run: the run goes on and its whole result arrives once Redis is back', async () => {
    const job = await traceWorkload('fault-a', 5);
    await running(job.jobId);
    await job.workload.go();
    await redis.restart(1000);
    await expectWhole(job);
  });

  it('Postgres away for 10 s while results arrive: they wait in Redis and are all stored once it is back', async () => {
    const jobs = [await traceWorkload('fault-a', 2, 300), await traceWorkload('fault-b', 2, 400)];
    for (const job of jobs) await running(job.jobId);
    for (const job of jobs) await job.workload.go();
    await postgres.stopFor(10_000);
    for (const job of jobs) await expectWhole(job);
  });

  it('an API restart mid-run: the result waits on the durable queue for the next API', async () => {
    const job = await traceWorkload('fault-b', 4);
    await running(job.jobId);
    await job.workload.go();
    await api.close();
    await sleep(2000);
    api = await startApi(env, { hostOfflineSec: 15, runGraceSec: 60 });
    await expectWhole(job);
  });

  it('an agent stopped (SIGSTOP) past its lock but not its host-offline time: the run succeeds whole and says it overran', async () => {
    // 12 s: beyond the 10 s lock, so BullMQ queues the run again while the agent is frozen and the thawed agent
    // finds it still running in itself; under the 15 s after which the API would call the host offline and fail
    // the run (that path: test/api/reaper.test.ts).
    const job = await traceWorkload('fault-a', 3);
    await running(job.jobId);
    await job.workload.go();
    const pid = agents.get('fault-a')!.child.pid!;
    process.kill(pid, 'SIGSTOP');
    await sleep(12_000);
    process.kill(pid, 'SIGCONT');
    const run = await expectWhole(job);
    expect(run.stats.overrunMs).toBe(Math.round(run.stats.tracedMs - 3000));
    expect(run.stats.overrunMs).toBeGreaterThan(8000);
  });

  it('kill -9 of an agent with runs in flight: its restart fails the attached runs at once and runs the queued one whole', async () => {
    const attached = [await traceWorkload('fault-b', 60), await traceWorkload('fault-b', 60)];
    for (const job of attached) await running(job.jobId);
    const queued = await traceWorkload('fault-b', 2, 250);
    await agents.get('fault-b')!.kill();
    agent('fault-b');
    for (const job of attached) {
      // Reported by the new agent as it starts, long before the API's reaper would (60 s + the run's grace).
      expect(await ended(job.jobId, 20_000)).toMatchObject({
        status: 'failed',
        error: 'the agent on fault-b restarted during the run (its previous process was lost after attaching the probes); the run cannot be resumed',
      });
      job.workload.kill();
    }
    await running(queued.jobId);
    await queued.workload.go();
    await expectWhole(queued);
  });

  it('leaves nothing queued or running, and no BPF program in the kernel', async () => {
    const open = await sql<{ status: string; count: string }>(
      env.databaseUrl,
      `SELECT status, count(*) FROM runs WHERE status IN ('queued', 'running') GROUP BY status`,
    );
    expect(open).toEqual([]);
    const left = () => syscountPrograms().filter((p) => !programsBefore.has(p.id));
    await waitFor(() => left().length === 0, { timeoutMs: 5000, what: 'the runs’ programs to leave the kernel' }).catch(() => undefined);
    expect(left()).toEqual([]);
  });
});
