import { beforeAll, expect, it } from 'vitest';
import type { StacksResult } from '../../../contracts/src/index.js';
import { compileWorkload, describeKernel } from '../../../../test/support/kernel.js';
import { traceWorkload } from '../../../../test/support/tools.js';
import offcputime from './offcputime.js';
import type { OffcputimeParams } from './offcputime.schema.js';

const KERNEL = '[kernel]';
const SLEEP_MS = 10;

describeKernel('offcputime on the real kernel', () => {
  let binary: string;

  beforeAll(() => {
    binary = compileWorkload('sleeper');
  });

  /** Traces `sleeper TIMES 10` (TIMES nanosleeps of 10 ms in sleep_in_named) under its pid filter. */
  async function traceSleeps(times: number, params: Partial<OffcputimeParams>) {
    const out = await traceWorkload(offcputime, { file: binary, args: [String(times), String(SLEEP_MS)] }, (pid) => ({ pid, ...params }));
    const r = out.result;
    expect(r.unit).toBe('us');
    expect(r.total).toBe(r.stacks.reduce((n, s) => n + s.count, 0));
    // Single-threaded: every stack is its main thread's.
    for (const s of r.stacks) expect([s.pid, s.tid, s.comm]).toEqual([out.pid, out.pid, 'sleeper']);
    expect(out.stats).toMatchObject({ lostEvents: 0, uniqueStacks: r.stacks.length });
    return { r, sleeping: r.stacks.filter((s) => s.frames.some((f) => f.symbol === 'sleep_in_named' && f.module === binary)) };
  }

  const microseconds = (stacks: StacksResult['stacks']) => stacks.reduce((n, s) => n + s.count, 0);

  it('100 sleeps of 10 ms in sleep_in_named: ~1 s off-CPU under that frame, below schedule and do_nanosleep', async () => {
    const { r, sleeping } = await traceSleeps(100, {});
    const us = microseconds(sleeping);
    console.log(`offcputime: ${us} µs under sleep_in_named, ${r.total} µs in all`);
    // nanosleep never wakes early; timer slack (50 µs) and wake-up latency add a little to each sleep.
    // Lower bound 0.95 s: the timer is armed before the thread is switched out, and on a loaded machine it can be
    // preempted in between (the sleep then starts off-CPU later; 1 % short seen). Upper: a loaded machine.
    expect(us).toBeGreaterThan(950_000);
    expect(us).toBeLessThan(1_300_000);
    const frames = sleeping[0]!.frames;
    const symbols = frames.map((f) => f.symbol);
    // Innermost first: __schedule (the tracing plumbing inside it is dropped), the sleep, the syscall, then the user half.
    expect(symbols[0]).toBe('__schedule');
    expect(symbols.indexOf('schedule')).toBeLessThan(symbols.indexOf('do_nanosleep'));
    expect(symbols.indexOf('do_nanosleep')).toBeLessThan(symbols.indexOf('sleep_in_named'));
    for (const name of ['__schedule', 'schedule', 'do_nanosleep']) expect(frames.find((f) => f.symbol === name)!.module).toBe(KERNEL);
    expect(frames.slice(symbols.indexOf('sleep_in_named'), symbols.indexOf('sleep_in_named') + 2)).toEqual([
      { symbol: 'sleep_in_named', module: binary, offset: expect.any(Number) },
      { symbol: 'main', module: binary, offset: expect.any(Number) },
    ]);
  });

  it('minBlockUs and maxBlockUs bound the intervals counted', async () => {
    // A 10 ms nanosleep never ends early: every one of them is counted from 9 ms up, none up to 9 ms.
    // (Kernel stacks only here: the sleeps are the intervals under do_nanosleep.)
    const { r } = await traceSleeps(30, { minBlockUs: 9_000, stack: 'kernel' });
    expect(r.stacks.flatMap((s) => s.frames).filter((f) => f.module !== KERNEL)).toEqual([]);
    expect(microseconds(r.stacks.filter((s) => s.frames.some((f) => f.symbol === 'do_nanosleep')))).toBeGreaterThan(285_000);
    expect(microseconds((await traceSleeps(30, { maxBlockUs: 9_000 })).sleeping)).toBe(0);
    // It may end late on a loaded machine (25 ms seen), so the bound above it leaves room: 100 ms.
    expect(microseconds((await traceSleeps(30, { minBlockUs: 100_000 })).sleeping)).toBe(0);
  });

  it('state filters on how the thread was switched out; user-only stacks have no kernel frames', async () => {
    // nanosleep sleeps TASK_INTERRUPTIBLE (1), never TASK_UNINTERRUPTIBLE (2).
    expect(microseconds((await traceSleeps(30, { state: 2 })).sleeping)).toBe(0);
    const { r, sleeping } = await traceSleeps(30, { state: 1, stack: 'user' });
    expect(microseconds(sleeping)).toBeGreaterThan(285_000);
    expect(microseconds(sleeping)).toBeLessThan(390_000);
    expect(r.stacks.flatMap((s) => s.frames).filter((f) => f.module === KERNEL)).toEqual([]);
    expect(sleeping[0]!.frames[0]).toMatchObject({ symbol: 'sleep_in_named', module: binary });
  });
});
