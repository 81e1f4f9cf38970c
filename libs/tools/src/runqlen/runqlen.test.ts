import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import type { HistogramResult } from '../../../contracts/src/index.js';
import { compileWorkload, describeKernel } from '../../../../test/support/kernel.js';
import { runTool } from '../../../../test/support/tools.js';
import { startGated, type GatedWorkload } from '../../../../test/support/workload.js';
import runqlen from './runqlen.js';
import type { RunqlenParams } from './runqlen.schema.js';

// CPU 1: runqlat's kernel test pins its hogs to CPU 0.
const CPU = 1;
const HZ = 499;
const WINDOW_MS = 1000;
// The spinners outlive the sampling window, so every sample is taken while they all spin.
const SPIN_MS = String(WINDOW_MS + 500);
// Share of the CPU's samples at the expected length, at least (90–99% seen). The rest: samples while a
// task of another suite runs on the CPU (it reads its own group's queue), or a kworker.
const MIN_SHARE = 0.8;

/** The share of a histogram's samples at `len` or more (runqlen's slots below 32 are exact). */
function shareFrom(h: HistogramResult, len: number, exactly = true): number {
  return h.buckets.filter((b) => (exactly ? b.lo === len : b.lo >= len)).reduce((n, b) => n + b.count, 0) / h.count;
}

const readComm = (pid: number) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim();

describeKernel('runqlen on the real kernel', () => {
  let binary: string;

  beforeAll(() => {
    binary = compileWorkload('spinners');
  });

  /**
   * `spinners k` pinned to CPU, started gated in a session of its own (setsid), so in an autogroup of its
   * own, reniced to -10: other suites run on this 2-CPU machine, some pinned to CPU 1 as well, and a group
   * at nice -10 weighs 9548 against their 1024 each, so the spinners hold ~90% of the CPU (the others keep
   * theirs). The autogroup nice does nothing when autogroup is off, where the spinners share the CPU evenly.
   */
  async function startSpinners(k: number): Promise<GatedWorkload> {
    const w = startGated('setsid', [binary, String(k), SPIN_MS], { cpu: CPU });
    // taskset and setsid exec in place: wait for the workload itself, then weigh its own autogroup.
    for (let i = 0; i < 100 && readComm(w.pid) !== 'spinners'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(readComm(w.pid)).toBe('spinners');
    writeFileSync(`/proc/${w.pid}/autogroup`, '-10');
    return w;
  }

  /** CPU's histogram over WINDOW_MS while spinner sessions of `ks` threads spin (released once attached). */
  async function sampleCpu(ks: number[], params: Partial<RunqlenParams>): Promise<HistogramResult> {
    const started: GatedWorkload[] = [];
    try {
      for (const k of ks) started.push(await startSpinners(k));
      const { result } = await runTool(runqlen, { perCpu: true, frequencyHz: HZ, ...params }, {
        durationMs: WINDOW_MS,
        onAttached: () => started.forEach((w) => w.go()),
      });
      for (const w of started) expect(await w.exited).toBe(0);
      expect(result.unit).toBe('tasks');
      expect(result.by).toBe('cpu');
      expect(result.groups!.reduce((n, g) => n + g.histogram.count, 0)).toBe(result.count);
      const group = result.groups!.find((g) => g.key === CPU);
      expect(group, `a histogram for CPU ${CPU}`).toBeDefined();
      // One second at 499 Hz: ~500 samples on the CPU.
      expect(group!.histogram.count).toBeGreaterThan(0.5 * HZ);
      return group!.histogram;
    } finally {
      started.forEach((w) => w.kill());
    }
  }

  it('K busy threads pinned to one CPU: that CPU queues K-1 behind the running one', async () => {
    for (const k of [4, 1]) {
      const h = await sampleCpu([k], {});
      console.log(`runqlen CPU ${CPU}, ${k} spinning: ${JSON.stringify(h.buckets)}`);
      expect(h.p50).toBe(k - 1);
      expect(shareFrom(h, k - 1)).toBeGreaterThanOrEqual(MIN_SHARE);
    }
  });

  // Autogroup (on by default) puts each session in its own task group, with its own cfs_rq on each CPU.
  const autogroup = readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';

  it.skipIf(!autogroup)("two sessions of 2 threads on one CPU: 'cfs' sees the running one's group (1 waiting), 'cpu' all 4 (3 waiting)", async () => {
    const cfs = await sampleCpu([2, 2], { queue: 'cfs' });
    const cpu = await sampleCpu([2, 2], { queue: 'cpu' });
    console.log(`runqlen CPU ${CPU}, 2+2 spinning: cfs ${JSON.stringify(cfs.buckets)}, cpu ${JSON.stringify(cpu.buckets)}`);
    expect(cfs.p50).toBe(1);
    expect(shareFrom(cfs, 1)).toBeGreaterThanOrEqual(MIN_SHARE);
    // rq->nr_running also counts every runnable task of other suites pinned to the CPU, which no weight
    // keeps out of the queue: exactly 3 on a quiet machine (97% of samples seen), at least 3 here.
    expect(cpu.p50).toBeGreaterThanOrEqual(3);
    expect(shareFrom(cpu, 3, false)).toBeGreaterThanOrEqual(MIN_SHARE);
  });
});
