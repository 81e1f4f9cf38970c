import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAgent, type AgentProcess } from '../support/agent-process.js';
import { createTestEnv, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';
import { describeKernel } from '../support/kernel.js';
import { getppidWorkload } from '../support/workload.js';

/** syscount's programs, as `bpftool prog show` names them (SEC functions in syscount.bpf.c). */
const SYSCOUNT_PROGRAMS = new Set(['syscount_enter', 'syscount_exit']);

interface Program {
  id: number;
  name?: string;
}

const bpftool = <T>(...args: string[]): T => JSON.parse(execFileSync('bpftool', [...args, '-j'], { encoding: 'utf8' })) as T;
const programs = () => bpftool<Program[]>('prog', 'show');
/** The ids of `ours` still in the kernel, as programs or as the prog of a link. */
const leftOf = (ours: Program[]): number[] => {
  const ids = new Set(ours.map((p) => p.id));
  const progs = programs().filter((p) => ids.has(p.id));
  const links = bpftool<{ prog_id?: number }[]>('link', 'show').filter((l) => ids.has(l.prog_id ?? -1));
  return [...progs.map((p) => p.id), ...links.map((l) => l.prog_id!)];
};

/**
 * Cancelling on real parts: a real agent process tracing with real BPF programs in this kernel is told
 * through Redis to stop; the run ends `cancelled` within seconds, keeps what it saw, and leaves no
 * program behind in the kernel.
 */
describeKernel('cancelling and stopping a job end to end', () => {
  let env: TestEnv;
  let api: RunningApi;
  let agent: AgentProcess;
  const host = `e2e-cancel-${process.pid}`;

  const getJob = async (id: string) => (await api.request('GET', `/v1/jobs/${id}`)).body;

  const createJob = async (durationSec: number, params: object) => {
    const response = await api.request('POST', '/v1/jobs', { body: { tool: 'syscount', hosts: [host], durationSec, params } });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { id: string; runs: { id: string }[] };
  };

  beforeAll(async () => {
    env = await createTestEnv('e2e-cancel');
    api = await startApi(env, { hostOfflineSec: 3, runGraceSec: 10 });
    agent = startAgent(host, { redisUrl: env.redisUrl, queuePrefix: env.queuePrefix });
    await waitFor(
      async () => {
        const { body } = await api.request('GET', '/v1/hosts');
        return body.find((h: { name: string; status: string }) => h.name === host && h.status === 'online');
      },
      { timeoutMs: 30_000, what: `host ${host} online` },
    );
  });

  afterAll(async () => {
    await agent?.stop();
    await api?.close();
    await env?.close();
  });

  it('stops a 60 s syscount run within seconds, keeps its partial counts, and releases every program', async () => {
    const calls = 1234;
    const workload = getppidWorkload(calls);
    try {
      const before = new Set(programs().map((p) => p.id));
      const job = await createJob(60, { pid: workload.pid });
      const runId = job.runs[0]!.id;
      await waitFor(async () => (await getJob(job.id)).runs[0].status === 'running', {
        timeoutMs: 30_000,
        what: 'run running',
      });

      // The run's own programs: loaded since `before`, with syscount's names.
      const ours = programs().filter((p) => !before.has(p.id) && SYSCOUNT_PROGRAMS.has(p.name ?? ''));
      expect(ours.map((p) => p.name).sort()).toEqual(['syscount_enter', 'syscount_exit']);

      // Ground truth for the partial result: exactly `calls` getppid() while attached.
      expect(await workload.go()).toBe(0);

      const requested = Date.now();
      const res = await api.request('POST', `/v1/jobs/${job.id}/cancel`);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(job.id);

      const done = await waitFor(async () => {
        const current = await getJob(job.id);
        return current.status === 'cancelled' && current;
      }, { timeoutMs: 5000, intervalMs: 50, what: 'job cancelled' });
      const tookMs = Date.now() - requested;
      expect(tookMs).toBeLessThan(5000);
      expect(done.runs[0]).toMatchObject({ id: runId, status: 'cancelled', error: null });
      expect(done.runs[0].stats.tracedMs).toBeLessThan(30_000);

      // The agent closed every fd before reporting; the kernel frees programs after an RCU grace
      // period, so they may linger a few milliseconds: wait for that, within the same few seconds.
      await waitFor(() => leftOf(ours).length === 0, {
        timeoutMs: Math.max(500, 5000 - (Date.now() - requested)),
        intervalMs: 50,
        what: `the run's programs ${ours.map((p) => `${p.name}#${p.id}`).join(', ')} to leave the kernel`,
      }).catch(() => undefined);
      expect(leftOf(ours)).toEqual([]);

      const result = (await api.request('GET', `/v1/runs/${runId}/result`)).body;
      expect(result.kind).toBe('counts');
      expect(result.rows.find((row: { syscall: string }) => row.syscall === 'getppid')?.count).toBe(calls);

      // Cancelling again answers the same cancelled job.
      const again = await api.request('POST', `/v1/jobs/${job.id}/cancel`);
      expect(again.status).toBe(200);
      expect(again.body.status).toBe('cancelled');
    } finally {
      workload.kill();
    }
  });

  it('stop ends a 60 s run now as succeeded, with exactly what it saw and the time it really traced', async () => {
    const calls = 777;
    const workload = getppidWorkload(calls);
    try {
      const job = await createJob(60, { pid: workload.pid });
      await waitFor(async () => (await getJob(job.id)).runs[0].status === 'running', { timeoutMs: 30_000, what: 'run running' });
      expect(await workload.go()).toBe(0);

      const res = await api.request('POST', `/v1/jobs/${job.id}/stop`);
      expect(res.status).toBe(200);
      const done = await waitFor(async () => {
        const current = await getJob(job.id);
        return current.status !== 'running' && current;
      }, { timeoutMs: 10_000, intervalMs: 50, what: 'job ended' });
      expect(done.status).toBe('succeeded');
      expect(done.runs[0].stats.tracedMs).toBeLessThan(30_000);
      const result = (await api.request('GET', `/v1/runs/${job.runs[0].id}/result`)).body;
      expect(result.rows.find((row: { syscall: string }) => row.syscall === 'getppid')?.count).toBe(calls);
    } finally {
      workload.kill();
    }
  });

  it('keeps the agent working after a cancel: the next run on the host succeeds', async () => {
    const job = await createJob(1, {});
    const done = await waitFor(async () => {
      const current = await getJob(job.id);
      return ['succeeded', 'failed', 'partial', 'cancelled'].includes(current.status) && current;
    }, { timeoutMs: 30_000, what: 'job finished' });
    expect(done.status).toBe('succeeded');
  });
});
