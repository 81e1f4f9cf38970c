import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { compileWorkload, describeKernel } from '../../../../test/support/kernel.js';
import { runTool, traceWorkload } from '../../../../test/support/tools.js';
import runqslower from './runqslower.js';
import type { RunqslowerParams } from './runqslower.schema.js';

const HOG_COMM = 'rqslw';
const SLEEPS = 200;

type RunqRow = {
  ts: string;
  pid: number;
  tid: number;
  comm: string;
  latencyUs: number;
  prevPid: number;
  prevComm: string;
  cpu: number;
};

const isStopped = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('T');

/** The kernel's own run-queue accounting of a task (/proc/PID/schedstat): total wait, times switched in. */
function schedstat(pid: number): { waitNs: number; switchIns: number } {
  const [, waitNs, switchIns] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
  return { waitNs: waitNs!, switchIns: switchIns! };
}

/**
 * Switch-ins a run may miss. Under concurrent load on this shared VM, up to 2 of a hog's switch-ins in a
 * second were counted by schedstat yet reached no runqslower program (an instrumented build saw exactly
 * the switch-ins it reported); the cause is not pinned down.
 */
const MISSED_SWITCHES = 3;

describeKernel('runqslower on the real kernel', () => {
  let runq: string;
  let sleeperBinary: string;
  const hogs: ChildProcess[] = [];

  beforeAll(() => {
    runq = compileWorkload('runq', HOG_COMM);
    sleeperBinary = compileWorkload('wakeups', 'rqsleeper');
  });
  afterEach(() => {
    for (const h of hogs.splice(0)) h.kill('SIGKILL');
  });

  /** Two hogs pinned to CPU 0, stopped (SIGSTOP) until the probes are in. */
  async function startStoppedHogs(): Promise<number[]> {
    for (let i = 0; i < 2; i++) hogs.push(spawn('taskset', ['-c', '0', runq, 'hog'], { stdio: 'ignore' }));
    await new Promise((r) => setTimeout(r, 200)); // taskset execs the hog in place: same pid, once it has
    const pids = hogs.map((h) => h.pid!);
    for (const pid of pids) process.kill(pid, 'SIGSTOP');
    for (let i = 0; i < 100 && !pids.every(isStopped); i++) await new Promise((r) => setTimeout(r, 10));
    expect(pids.every(isStopped)).toBe(true);
    return pids;
  }

  /**
   * Runs runqslower once per params, all at once, over the same second of contention: the hogs continue
   * (SIGCONT) once every run is attached and stop (SIGSTOP) before any run ends, so a stopped hog waits
   * for nothing and every run sees every wait, whole.
   */
  async function traceContention(pids: number[], runs: Partial<RunqslowerParams>[]): Promise<RunqRow[][]> {
    const ac = new AbortController();
    let attached = 0;
    const onAttached = () => {
      if (++attached < runs.length) return;
      for (const pid of pids) process.kill(pid, 'SIGCONT');
      setTimeout(() => {
        for (const pid of pids) process.kill(pid, 'SIGSTOP');
        setTimeout(() => ac.abort(), 100);
      }, 1000);
    };
    const outs = await Promise.all(
      runs.map((params) => runTool(runqslower, { comm: HOG_COMM, ...params }, { durationMs: 30_000, signal: ac.signal, onAttached })),
    );
    expect(pids.every(isStopped)).toBe(true);
    return outs.map((out) => {
      if (out.result.kind !== 'events') throw new Error('expected events');
      expect(out.result.dropped).toBe(0);
      return out.result.rows as RunqRow[];
    });
  }

  it('minUs 0: every wait of two hogs sharing a CPU is one row, as many and as long as the kernel accounts them', async () => {
    const pids = await startStoppedHogs();
    const before = pids.map(schedstat);
    const [rows] = await traceContention(pids, [{ minUs: 0, maxEventsPerSec: 100_000 }]);
    const after = pids.map(schedstat);

    expect(rows!.filter((r) => !pids.includes(r.pid))).toEqual([]);
    pids.forEach((pid, i) => {
      const mine = rows!.filter((r) => r.pid === pid);
      const switchIns = after[i]!.switchIns - before[i]!.switchIns;
      const waitedUs = (after[i]!.waitNs - before[i]!.waitNs) / 1000;
      const sumUs = mine.reduce((n, r) => n + r.latencyUs, 0);
      console.log(`runqslower hog ${pid}: ${mine.length} rows, ${switchIns} switch-ins; ${sumUs} µs in rows, ${Math.round(waitedUs)} µs in schedstat`);
      // A hog never sleeps: each time it is switched in, from SIGCONT to SIGSTOP, ends one wait.
      expect(switchIns).toBeGreaterThanOrEqual(50);
      expect(mine.length).toBeLessThanOrEqual(switchIns);
      expect(mine.length).toBeGreaterThanOrEqual(switchIns - MISSED_SWITCHES);
      // Each row is truncated to the µs, and the scheduler reads its clock a little apart from ours (1 %);
      // a missed switch-in leaves its wait out, at most the longest wait seen.
      const missed = switchIns - mine.length;
      expect(sumUs).toBeLessThanOrEqual(1.01 * waitedUs);
      expect(sumUs).toBeGreaterThanOrEqual(0.99 * waitedUs - mine.length - missed * Math.max(...mine.map((r) => r.latencyUs)));
      for (const r of mine) expect([r.tid, r.comm, r.cpu]).toEqual([pid, HOG_COMM, 0]);
    });
  });

  it('the same second at three thresholds: minUs 1000 keeps the waits of 1 ms or more, with the task they waited behind; 10 s none', async () => {
    const pids = await startStoppedHogs();
    const [all, slow, none] = await traceContention(pids, [{ minUs: 0, maxEventsPerSec: 100_000 }, { minUs: 1000 }, { minUs: 10_000_000 }]);

    expect(none).toEqual([]);
    const slowInAll = all!.filter((r) => r.latencyUs >= 1000);
    console.log(`runqslower: ${all!.length} waits, ${slow!.length} of ≥ 1 ms (${slowInAll.length} in the minUs 0 run)`);
    expect(slow!.length).toBeGreaterThanOrEqual(50);
    // The same waits, but for a missed switch-in; and each run reads the clock itself, so a wait within
    // µs of 1 ms may fall either side.
    expect(Math.abs(slow!.length - slowInAll.length)).toBeLessThanOrEqual(MISSED_SWITCHES);
    for (const r of slow!) {
      expect(r.latencyUs).toBeGreaterThanOrEqual(1000);
      expect([pids.includes(r.pid), r.tid, r.comm, r.cpu]).toEqual([true, r.pid, HOG_COMM, 0]);
    }
    // The task switched out for a hog is never itself; when it is a hog, it is the other one. Behind the
    // other hog a wait lasts its slice (ms at HZ 250); other tasks woken on CPU 0 also cut in.
    const behindHog = slow!.filter((r) => pids.includes(r.prevPid));
    expect(behindHog.filter((r) => r.prevPid === r.pid || r.prevComm !== HOG_COMM)).toEqual([]);
    console.log(`runqslower: ${behindHog.length} of the ${slow!.length} waits of ≥ 1 ms were behind the other hog`);
    expect(behindHog.length).toBeGreaterThan(0);
    expect(all!.filter((r) => r.prevPid === r.pid)).toEqual([]);
  });

  it('an uncontended sleeper: each wake-up is one wait, none reaching the default threshold (10 ms)', async () => {
    // Real-time (SCHED_FIFO 1), so that no ordinary task on this shared machine contends for its CPU: the
    // only thing it waits for at a wake-up is the switch itself. chrt execs it in place (same pid).
    const sleeper = { file: 'chrt', args: ['-f', '1', sleeperBinary, String(SLEEPS)], cpu: 1 };
    const every = await traceWorkload(runqslower, sleeper, (pid) => ({ pid, minUs: 0 }));
    const slow = await traceWorkload(runqslower, sleeper, (pid) => ({ pid }));
    if (every.result.kind !== 'events' || slow.result.kind !== 'events') throw new Error('expected events');

    const rows = every.result.rows as RunqRow[];
    console.log(`runqslower sleeper: ${rows.length} waits, longest ${Math.max(...rows.map((r) => r.latencyUs))} µs`);
    // The byte on stdin, then each sleep: one wake-up each. Within 5 %: a wake-up that comes while it is
    // still on its CPU (the host descheduled this VM's vCPU between arming the timer and sleeping) has no
    // switch to wait for, and a kernel stopper thread may preempt it now and then.
    expect(Math.abs(rows.length - (SLEEPS + 1))).toBeLessThanOrEqual(0.05 * (SLEEPS + 1));
    for (const r of rows) expect([r.pid, r.tid, r.comm, r.cpu]).toEqual([every.pid, every.pid, 'rqsleeper', 1]);
    expect(slow.result.rows).toEqual([]);
  });
});
