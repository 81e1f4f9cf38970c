import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StacksResult } from '../../libs/contracts/src/index.js';
import { startE2eHost, type E2eHost } from '../support/e2e.js';
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
  let e2e: E2eHost;
  const workloads: GatedWorkload[] = [];

  beforeAll(async () => {
    e2e = await startE2eHost('stacks');
  });

  afterAll(async () => {
    for (const w of workloads) w.kill();
    await e2e?.close();
  });

  /** Starts `binary args…` gated, runs `tool` on it through the API (pid filter), releasing it once attached. */
  async function runJob(tool: string, binary: string, args: string[], params: object, durationSec: number) {
    const workload = startGated(binary, args);
    workloads.push(workload);
    const result = await e2e.runJob<StacksResult>(tool, { pid: workload.pid, ...params }, durationSec, async () => {
      workload.go();
      expect(await workload.exited).toBe(0);
    });
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
    expect(us).toBeGreaterThan(950_000); // as the library test: the sleep can start off-CPU a little late
    expect(us).toBeLessThan(1_300_000);
    const sleeping = result.stacks.find((s) => s.frames.some((f) => f.symbol === 'sleep_in_named'))!;
    expect(sleeping.frames[0]).toMatchObject({ symbol: '__schedule', module: KERNEL });
    expect(sleeping.frames.find((f) => f.symbol === 'do_nanosleep')).toMatchObject({ module: KERNEL });
  });
});
