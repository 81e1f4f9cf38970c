import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StacksResult } from '../../libs/contracts/src/index.js';
import { startAgent, type AgentProcess } from '../support/agent-process.js';
import { createTestEnv, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';
import { compileWorkload, describeKernel } from '../support/kernel.js';
import { startGated, type GatedWorkload } from '../support/workload.js';

const KERNEL = '[kernel]';

/** What the stacks holding a frame `symbol` of `module` count. */
function countUnder(r: StacksResult, symbol: string, module: string): number {
  return r.stacks.filter((s) => s.frames.some((f) => f.symbol === symbol && f.module === module)).reduce((n, s) => n + s.count, 0);
}

/**
 * The stack tools on the whole path: REST call → Postgres → BullMQ → a real agent process → perf sampling
 * and sched_switch in this kernel → symbolization in the agent (the workloads have exited by then) →
 * Postgres → REST read. The stored results carry the same ground truth as the library tests.
 */
describeKernel('stack tools end to end', () => {
  let env: TestEnv;
  let api: RunningApi;
  let agent: AgentProcess;
  const host = `e2e-stacks-${process.pid}`;
  const workloads: GatedWorkload[] = [];

  beforeAll(async () => {
    env = await createTestEnv('e2e');
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
    for (const w of workloads) w.kill();
    await agent?.stop();
    await api?.close();
    await env?.close();
  });

  /**
   * Starts `binary args…` gated, runs `tool` on it through the API (pid filter), lets it go once the run is
   * attached, and returns the stored result once the job succeeded.
   */
  async function runJob(tool: string, binary: string, args: string[], params: object, durationSec: number) {
    const workload = startGated(binary, args);
    workloads.push(workload);
    const created = await api.request('POST', '/v1/jobs', {
      body: { tool, hosts: [host], durationSec, params: { pid: workload.pid, ...params } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const job = created.body as { id: string; runs: { id: string }[] };
    const jobStatus = async () => (await api.request('GET', `/v1/jobs/${job.id}`)).body;
    await waitFor(async () => (await jobStatus()).runs[0].status === 'running', { timeoutMs: 30_000, what: `${tool} running` });
    workload.go();
    expect(await workload.exited).toBe(0);
    const done = await waitFor(
      async () => {
        const j = await jobStatus();
        return ['succeeded', 'failed', 'partial', 'cancelled'].includes(j.status) && j;
      },
      { timeoutMs: 60_000, what: `${tool} finished` },
    );
    expect(done.status, JSON.stringify(done.runs)).toBe('succeeded');
    const result = (await api.request('GET', `/v1/runs/${job.runs[0]!.id}/result`)).body as StacksResult;
    expect(result.kind).toBe('stacks');
    expect(result.total).toBe(result.stacks.reduce((n, s) => n + s.count, 0));
    for (const s of result.stacks) expect(s.pid).toBe(workload.pid);
    return result;
  }

  it('profile: 70 ± 10% of the samples of a process under its spin_hot, symbolized in its binary', async () => {
    const binary = compileWorkload('hotcold');
    const F = 499;
    const cpuMs = 1200;
    const result = await runJob('profile', binary, ['hotcold', String(cpuMs)], { frequencyHz: F }, 3);
    expect(result.unit).toBe('samples');
    // F samples per CPU second (±15%, as in the library test).
    expect(result.total).toBeGreaterThan((F * cpuMs * 0.85) / 1000);
    expect(result.total).toBeLessThan((F * cpuMs * 1.15) / 1000);
    const hot = countUnder(result, 'spin_hot', binary) / result.total;
    expect(hot).toBeGreaterThan(0.6);
    expect(hot).toBeLessThan(0.8);
    expect(result.stacks[0]!.frames[0]).toMatchObject({ symbol: 'burn', module: binary });
  });

  it('offcputime: 100 sleeps of 10 ms in sleep_in_named come back as ~1 s under that frame', async () => {
    const binary = compileWorkload('sleeper');
    const result = await runJob('offcputime', binary, ['100', '10'], {}, 3);
    expect(result.unit).toBe('us');
    const us = countUnder(result, 'sleep_in_named', binary);
    // As in the library test: never less than the sleeps (−1% for the µs between arming the timer and
    // switching out), a loaded machine's wake-up latency on top.
    expect(us).toBeGreaterThan(990_000);
    expect(us).toBeLessThan(1_300_000);
    const sleeping = result.stacks.find((s) => s.frames.some((f) => f.symbol === 'sleep_in_named'))!;
    expect(sleeping.frames[0]).toMatchObject({ symbol: '__schedule', module: KERNEL });
    expect(sleeping.frames.find((f) => f.symbol === 'do_nanosleep')).toMatchObject({ module: KERNEL });
  });
});
