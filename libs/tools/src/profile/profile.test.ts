import { afterEach, beforeAll, expect, it } from 'vitest';
import type { StacksResult } from '../../../contracts/src/index.js';
import { compileWorkload, describeKernel } from '../../../../test/support/kernel.js';
import { runTool, traceWorkload } from '../../../../test/support/tools.js';
import { startGated, type GatedWorkload } from '../../../../test/support/workload.js';
import profile from './profile.js';
import type { ProfileParams } from './profile.schema.js';

const KERNEL = '[kernel]';

/** Samples of the stacks that have a frame `symbol` (in `module`, when given). */
function samplesUnder(r: StacksResult, symbol: string, module?: string): number {
  return r.stacks
    .filter((s) => s.frames.some((f) => f.symbol === symbol && (module === undefined || f.module === module)))
    .reduce((n, s) => n + s.count, 0);
}

describeKernel('profile on the real kernel', () => {
  let binary: string;
  const started: GatedWorkload[] = [];

  beforeAll(() => {
    binary = compileWorkload('hotcold');
  });
  afterEach(() => {
    for (const w of started.splice(0)) w.kill();
  });

  /** Profiles `hotcold MODE CPU_MS` (it exits after using CPU_MS of CPU) under its pid filter. */
  async function profileWorkload(mode: 'hotcold' | 'syscalls', cpuMs: number, params: Partial<ProfileParams>) {
    const out = await traceWorkload(profile, { file: binary, args: [mode, String(cpuMs)] }, (pid) => ({ pid, ...params }));
    const r = out.result;
    expect(r.unit).toBe('samples');
    expect(r.total).toBe(r.stacks.reduce((n, s) => n + s.count, 0));
    expect(r.stacks.map((s) => s.count)).toEqual(r.stacks.map((s) => s.count).sort((a, b) => b - a));
    for (const s of r.stacks) expect([s.pid, s.comm]).toEqual([out.pid, 'hotcold']);
    expect(out.stats).toMatchObject({ lostEvents: 0, uniqueStacks: r.stacks.length, symbolizeMs: expect.any(Number) });
    // cpu-clock is an hrtimer firing F times a second on each CPU: a task gets F samples per CPU second it
    // uses. The workload uses cpuMs of CPU (it reads its own CPU clock); ±15% (measured within ±4%).
    const expected = (params.frequencyHz! * cpuMs) / 1000;
    expect(r.total).toBeGreaterThan(expected * 0.85);
    expect(r.total).toBeLessThan(expected * 1.15);
    return r;
  }

  it('a process spending 70% of its CPU under spin_hot: 70 ± 10% of its samples, symbolized in its binary', async () => {
    // 499 Hz × 1.5 CPU seconds ≈ 750 samples: the share's sampling error is ~1.7%, so ±10% is a real bound.
    const r = await profileWorkload('hotcold', 1500, { frequencyHz: 499 });
    const hot = samplesUnder(r, 'spin_hot', binary) / r.total;
    const cold = samplesUnder(r, 'spin_cold', binary) / r.total;
    console.log(`profile: ${r.total} samples, ${(hot * 100).toFixed(1)}% under spin_hot, ${(cold * 100).toFixed(1)}% under spin_cold`);
    expect(hot).toBeGreaterThan(0.6);
    expect(hot).toBeLessThan(0.8);
    expect(cold).toBeGreaterThan(0.2);
    expect(cold).toBeLessThan(0.4);
    // The most sampled stack, innermost first: the leaf burn() called by spin_hot called by main.
    expect(r.stacks[0]!.frames.slice(0, 3)).toEqual([
      { symbol: 'burn', module: binary, offset: expect.any(Number) },
      { symbol: 'spin_hot', module: binary, offset: expect.any(Number) },
      { symbol: 'main', module: binary, offset: expect.any(Number) },
    ]);
  });

  it('collects only the user half or only the kernel half, kernel frames before user frames', async () => {
    const user = await profileWorkload('hotcold', 1000, { frequencyHz: 99, stack: 'user' });
    expect(user.stacks.flatMap((s) => s.frames).filter((f) => f.module === KERNEL)).toEqual([]);
    expect(samplesUnder(user, 'spin_hot', binary) / user.total).toBeGreaterThan(0.6);

    // getppid in a loop: most samples are in the kernel, every kernel stack entered through the syscall.
    const both = await profileWorkload('syscalls', 600, { frequencyHz: 199, stack: 'both' });
    const kernel = await profileWorkload('syscalls', 600, { frequencyHz: 199, stack: 'kernel' });
    for (const s of both.stacks) {
      const halves = s.frames.map((f) => (f.module === KERNEL ? 'kernel' : 'user'));
      expect(halves).toEqual([...halves].sort()); // 'kernel' < 'user'
    }
    // The innermost user frame is where the syscall was made, in all but the workload's CPU clock reads.
    const fromSpin = both.stacks.filter((s) => s.frames.find((f) => f.module !== KERNEL)?.symbol === 'spin_syscalls');
    expect(fromSpin.reduce((n, s) => n + s.count, 0) / both.total).toBeGreaterThan(0.95);
    expect(kernel.stacks.flatMap((s) => s.frames).filter((f) => f.module !== KERNEL)).toEqual([]);
    for (const r of [both, kernel]) {
      const inKernel = r.stacks.filter((s) => s.frames.some((f) => f.module === KERNEL));
      const samplesInKernel = inKernel.reduce((n, s) => n + s.count, 0);
      // A sample taken in user mode has no kernel half; getppid's entry and exit dominate (measured 70%).
      expect(samplesInKernel / r.total).toBeGreaterThan(0.5);
      // The outermost kernel frame is the syscall entry (an interrupt taken in user mode may rarely show instead).
      const viaSyscall = inKernel.filter((s) => s.frames.filter((f) => f.module === KERNEL).at(-1)!.symbol.startsWith('entry_SYSCALL_64'));
      expect(viaSyscall.reduce((n, s) => n + s.count, 0) / samplesInKernel).toBeGreaterThan(0.95);
    }
  });

  it('symbolizes a process that exited before the run ended: its maps were snapshotted when first sampled', async () => {
    const exiting = compileWorkload('hotcold', 'hotcold-exit');
    // The run ends 300 ms after the process exited (10 s is only a bound): symbolization finds it gone.
    const ac = new AbortController();
    let workload: GatedWorkload | undefined;
    const { result } = await runTool(profile, { comm: 'hotcold-exit', frequencyHz: 499 }, {
      durationMs: 10_000,
      signal: ac.signal,
      onAttached: () => {
        workload = startGated(exiting, ['hotcold', '300']);
        started.push(workload);
        workload.go();
        void workload.exited.then(() => setTimeout(() => ac.abort(), 300));
      },
    });
    expect(await workload!.exited).toBe(0);
    expect(new Set(result.stacks.map((s) => s.pid))).toEqual(new Set([workload!.pid]));
    // ~150 samples, every one in the binary's rounds (burn under spin_hot or spin_cold) but the CPU clock reads.
    const inRounds = samplesUnder(result, 'spin_hot', exiting) + samplesUnder(result, 'spin_cold', exiting);
    expect(result.total).toBeGreaterThan(100);
    expect(inRounds / result.total).toBeGreaterThan(0.9);
    expect(samplesUnder(result, 'burn', exiting)).toBe(inRounds);
  });
});
