import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAgent, type AgentProcess } from '../support/agent-process.js';
import { createTestEnv, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';
import { describeKernel } from '../support/kernel.js';
import { execTimes, getppidWorkload, uniqueBinary } from '../support/workload.js';

/**
 * The whole path on real parts: REST call → Postgres → BullMQ on Redis → a real agent process →
 * real BPF programs in this kernel → trace-results → Postgres → REST read. Ground truth throughout.
 */
describeKernel('tracing jobs end to end', () => {
  let env: TestEnv;
  let api: RunningApi;
  const agents: AgentProcess[] = [];
  const hostA = `e2e-a-${process.pid}`;
  const hostB = `e2e-b-${process.pid}`;

  const agent = (name: string) => {
    const started = startAgent(name, { redisUrl: env.redisUrl, queuePrefix: env.queuePrefix });
    agents.push(started);
    return started;
  };

  const waitOnline = (name: string) =>
    waitFor(
      async () => {
        const { body } = await api.request('GET', '/v1/hosts');
        return body.find((host: { name: string; status: string }) => host.name === name && host.status === 'online');
      },
      { timeoutMs: 30_000, what: `host ${name} online` },
    );

  const createJob = async (tool: string, hosts: string[], durationSec: number, params: object) => {
    const response = await api.request('POST', '/v1/jobs', { body: { tool, hosts, durationSec, params } });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { id: string; runs: { id: string; host: string }[] };
  };

  const getJob = async (id: string) => (await api.request('GET', `/v1/jobs/${id}`)).body;

  const waitRunsRunning = (jobId: string) =>
    waitFor(
      async () => {
        const job = await getJob(jobId);
        return job.runs.every((run: { status: string }) => run.status === 'running') && job;
      },
      { timeoutMs: 30_000, what: `job ${jobId} running` },
    );

  const waitJobDone = (jobId: string, timeoutMs = 60_000) =>
    waitFor(
      async () => {
        const job = await getJob(jobId);
        return ['succeeded', 'failed', 'partial', 'cancelled'].includes(job.status) && job;
      },
      { timeoutMs, what: `job ${jobId} finished` },
    );

  beforeAll(async () => {
    env = await createTestEnv('e2e');
    api = await startApi(env, { hostOfflineSec: 3, runGraceSec: 10 });
    agent(hostA);
    agent(hostB);
    await waitOnline(hostA);
    await waitOnline(hostB);
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await api?.close();
    await env?.close();
  });

  it('publishes each agent with its kernel and probed capabilities', async () => {
    const { body } = await api.request('GET', '/v1/hosts');
    const host = body.find((h: { name: string }) => h.name === hostA);
    expect(host.kernel).toMatch(/^\d+\.\d+/);
    expect(host.capabilities).toMatchObject({ btf: true, tracepoint: true, ringBuffer: true });
  });

  it('execsnoop reports exactly the 23 execs of a uniquely named binary, with their args and parent', async () => {
    const binary = uniqueBinary('bpfx');
    try {
      const job = await createJob('execsnoop', [hostA], 3, {});
      await waitRunsRunning(job.id);
      await execTimes(binary.path, 23, ['--alpha', 'beta gamma']);

      const done = await waitJobDone(job.id);
      expect(done.status).toBe('succeeded');
      const result = (await api.request('GET', `/v1/runs/${job.runs[0]!.id}/result`)).body;
      expect(result.kind).toBe('events');
      expect(result.columns.map((c: { name: string }) => c.name)).toEqual(
        expect.arrayContaining(['ts', 'pid', 'ppid', 'uid', 'comm', 'filename', 'args', 'ret']),
      );
      const ours = result.rows.filter((row: { filename: string }) => row.filename === binary.path);
      expect(ours).toHaveLength(23);
      for (const row of ours) {
        expect(row.args).toEqual([binary.path, '--alpha', 'beta gamma']);
        expect(row.ppid).toBe(process.pid);
        expect(row.ret).toBe(0);
        expect(row.comm).toBe(binary.name);
      }
    } finally {
      binary.remove();
    }
  });

  it('an event budget stops the run early, succeeded, with exactly the budget of rows and its stopReason', async () => {
    const binary = uniqueBinary('bpfb');
    try {
      const job = await createJob('execsnoop', [hostA], 30, { nameContains: binary.name, maxEvents: 5 });
      await waitRunsRunning(job.id);
      await execTimes(binary.path, 12, []);
      const done = await waitJobDone(job.id);
      expect(done.status).toBe('succeeded');
      expect(done.runs[0].stats).toMatchObject({ stopReason: 'maxEvents' });
      expect(done.runs[0].stats.tracedMs).toBeLessThan(30_000);
      const result = (await api.request('GET', `/v1/runs/${job.runs[0]!.id}/result`)).body;
      expect(result.rows.filter((row: { filename: string }) => row.filename === binary.path)).toHaveLength(5);
    } finally {
      binary.remove();
    }
  });

  it('syscount counts exactly the N getppid() calls of a process under its pid filter', async () => {
    const calls = 1777;
    const workload = getppidWorkload(calls);
    try {
      const job = await createJob('syscount', [hostA], 3, { pid: workload.pid });
      await waitRunsRunning(job.id);
      expect(await workload.go()).toBe(0);

      const done = await waitJobDone(job.id);
      expect(done.status).toBe('succeeded');
      const result = (await api.request('GET', `/v1/runs/${job.runs[0]!.id}/result`)).body;
      expect(result.kind).toBe('counts');
      expect(result.keys).toEqual(['syscall']);
      expect(result.rows.find((row: { syscall: string }) => row.syscall === 'getppid')?.count).toBe(calls);
    } finally {
      workload.kill();
    }
  });

  it('runs one job on two hosts: two runs, both succeed, both results stored', async () => {
    const binary = uniqueBinary('bpfy');
    try {
      const job = await createJob('execsnoop', [hostA, hostB], 2, {});
      expect(job.runs.map((run) => run.host).sort()).toEqual([hostA, hostB].sort());
      await waitRunsRunning(job.id);
      await execTimes(binary.path, 5, ['x']);

      const done = await waitJobDone(job.id);
      expect(done.status).toBe('succeeded');
      for (const run of job.runs) {
        const result = (await api.request('GET', `/v1/runs/${run.id}/result`)).body;
        // Both agents trace the same kernel, so each sees the same 5 execs.
        expect(result.rows.filter((row: { filename: string }) => row.filename === binary.path)).toHaveLength(5);
      }
    } finally {
      binary.remove();
    }
  });

  it('fails a run with a reason when its agent dies mid-run, never leaving it running', async () => {
    const name = `e2e-doomed-${process.pid}`;
    const doomed = agent(name);
    await waitOnline(name);
    const job = await createJob('syscount', [name], 60, {});
    await waitRunsRunning(job.id);
    await doomed.kill();

    const done = await waitJobDone(job.id, 30_000);
    expect(done.status).toBe('failed');
    expect(done.runs[0].status).toBe('failed');
    expect(done.runs[0].error).toMatch(/agent|heartbeat|stalled/i);
  });
});
