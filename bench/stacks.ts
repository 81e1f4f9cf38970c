/**
 * The stack tools' benchmarks: bpfleet's `profile` and `offcputime` side by side with what this host can compare
 * them with, medians of --runs rounds, configurations interleaved.
 *   profile     CPU sampling at 49 and 999 Hz on every CPU: throughput of a CPU-bound workload under each
 *               profiler; the agent's memory while it profiles a busy host; symbolization time per unique stack
 *   offcputime  off-CPU time by stack: throughput of a context-switch-heavy workload under each tracer
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { RunMessage, RunStats, StacksResult } from '../libs/contracts/src/index.js';
import { type HeldRun, holdTool, releaseTool, startAgent } from './bpfleet.js';
import { fmt, fmtInt, interleaved, log, type Mem, median, memMb, peakMem, ratio, ROOT, sleep, startHolding, startUntil, stop, table, WORK, type Started } from './lib.js';
import { pingpong, spin } from './workloads.js';

const RATES = [49, 999] as const;
// A tracer's start-up work after attaching (symbol tables, buffers) must not land in the measured window.
const SETTLE_MS = 500;
const OFFCPUTIME_BT = join(ROOT, 'bench/offcputime.bt');
const PERF_DATA = join(WORK, 'perf.data');

/** Something attached to the host while a workload runs. */
export interface Tracer {
  start(): Promise<Started>;
  release(started: Started): Promise<void>;
}

/** A comparison tool: stopped with SIGINT, as on a terminal. */
export const external = (start: () => Promise<Started>): Tracer => ({ start, release: (s) => stop(s.child, 'SIGINT') });

/** A bpfleet tool in the bench helper; each run's stats and result summary are appended to `runs`. */
export const bpfleet = (tool: string, params: Record<string, unknown>, runs: HeldRun[]): Tracer => ({
  start: () => holdTool(tool, params),
  release: async (s) => {
    runs.push(await releaseTool(s));
  },
});

export async function underTracer(tracer: Tracer | undefined, workload: () => Promise<number>): Promise<number> {
  const held = await tracer?.start();
  try {
    await sleep(SETTLE_MS);
    return await workload();
  } finally {
    if (held) await tracer!.release(held);
  }
}

/** Symbolization figures of one run, from its stats. */
function symbolization(stats: RunStats | undefined): { ms: number; stacks: number } {
  return { ms: stats?.symbolizeMs ?? NaN, stacks: stats?.uniqueStacks ?? NaN };
}

/** One row per config: its label, median, range, ratio to `base`, and ratio to each of `refs(config)`. */
export function overheadRows(labels: Record<string, string>, rates: Record<string, number[]>, base: number, refs: (config: string) => number[]): (string | number)[][] {
  return Object.entries(labels).map(([c, label]) => [
    label,
    fmtInt(median(rates[c]!)),
    `${fmtInt(Math.min(...rates[c]!))} – ${fmtInt(Math.max(...rates[c]!))}`,
    ratio(median(rates[c]!), base),
    ...refs(c).map((ref) => ratio(median(rates[c]!), ref)),
  ]);
}

// ───────────────────────────── profile ─────────────────────────────

function startProfiler(profiler: 'bpftrace' | 'perf', hz: number): Promise<Started> {
  if (profiler === 'bpftrace') {
    // BEGIN fires once every probe is attached; stdbuf, or the line would wait in stdio's buffer.
    const program = `BEGIN { printf("attached\\n"); } profile:hz:${hz} { @[kstack, ustack, comm] = count(); }`;
    return startUntil('stdbuf', ['-oL', 'bpftrace', '-e', program], /^attached/);
  }
  // cpu-clock, as bpfleet and bpftrace sample (perf's default is cycles where the CPU has PMCs). perf prints
  // nothing when it starts sampling: wait until it holds a sampling event per CPU.
  return startHolding('perf', ['record', '-e', 'cpu-clock', '-F', String(hz), '-a', '-g', '-o', PERF_DATA], /^anon_inode:\[perf_event\]$/, cpus().length);
}

/** The llvm-symbolizer processes the agent has started (children of any of its threads). */
function symbolizerPids(pid: number): number[] {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return ''; // the thread or the child has just exited
    }
  };
  return readdirSync(`/proc/${pid}/task`)
    .flatMap((task) => read(`/proc/${pid}/task/${task}/children`).split(' ').filter(Boolean))
    .filter((child) => read(`/proc/${child}/comm`).trim() === 'llvm-symbolizer')
    .map(Number);
}

/** Peak RSS since the last {@link resetPeakRss} (VmHWM: exact, unlike sampling), in MB. */
const peakRss = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const resetPeakRss = (pid: number) => writeFileSync(`/proc/${pid}/clear_refs`, '5');

interface AgentProfile {
  hz: number;
  outcome: string;
  message: RunMessage | undefined;
  agent: Mem;
  symbolizer: Mem | undefined;
}

/** The real agent profiling every CPU for `seconds` at each rate, while spin keeps every CPU busy. */
async function agentProfiles(seconds: number): Promise<AgentProfile[]> {
  const agent = await startAgent();
  const out: AgentProfile[] = [];
  try {
    await sleep(3000); // let start-up garbage settle, as the memory section does
    for (const hz of RATES) {
      log(`profile memory: agent profiling at ${hz} Hz for ${seconds} s`);
      // Busy from before the run is attached until it is over (killed then).
      const busy: ChildProcess = spawn(join(WORK, 'spin'), [String(seconds + 180)], { stdio: 'ignore' });
      let sampled: Mem | undefined;
      let symbolizer: Mem | undefined;
      let ticks = 0;
      try {
        resetPeakRss(agent.pid);
        // The symbolizer may live only while a run's stacks are resolved: look for it every 50 ms, sample the
        // agent every 250 ms (its peak RSS is exact anyway, from VmHWM).
        const tick = () => {
          if (ticks++ % 5 === 0) sampled = peakMem(sampled, memMb(agent.pid));
          for (const pid of symbolizerPids(agent.pid)) {
            try {
              symbolizer = peakMem(symbolizer, { ...memMb(pid), rss: peakRss(pid) });
            } catch {
              // exited between listing and reading
            }
          }
        };
        const message = await agent.runJob({ tool: 'profile', params: { frequencyHz: hz, stack: 'both' }, durationSec: seconds, tick, tickMs: 50, graceMs: 180_000 });
        const result = message?.type === 'succeeded' ? (message.result as StacksResult) : undefined;
        const outcome = !message ? 'no result' : message.type === 'failed' ? `failed: ${message.error}` : `${fmtInt(result!.total)} samples, ${fmtInt(result!.stacks.length)} stacks`;
        out.push({ hz, outcome, message, agent: { ...sampled!, rss: peakRss(agent.pid) }, symbolizer });
      } finally {
        await stop(busy, 'SIGKILL');
      }
    }
  } finally {
    await agent.close();
  }
  return out;
}

export interface ProfileOptions {
  runs: number;
  /** Seconds of each spin run (one per configuration and round). */
  spinSeconds: number;
  /** Seconds of each agent profile run (one per rate). */
  agentSeconds: number;
}

export async function benchProfile(o: ProfileOptions): Promise<string> {
  const helperRuns: Record<number, HeldRun[]> = { 49: [], 999: [] };
  const tracers: Record<string, Tracer | undefined> = { nothing: undefined };
  const labels: Record<string, string> = { nothing: 'nothing attached' };
  for (const hz of RATES) {
    tracers[`bpfleet ${hz}`] = bpfleet('profile', { frequencyHz: hz, stack: 'both' }, helperRuns[hz]!);
    tracers[`bpftrace ${hz}`] = external(() => startProfiler('bpftrace', hz));
    tracers[`perf ${hz}`] = external(() => startProfiler('perf', hz));
    labels[`bpfleet ${hz}`] = `**bpfleet** profile, ${hz} Hz`;
    labels[`bpftrace ${hz}`] = `bpftrace \`profile:hz:${hz}\`, kstack + ustack + comm`;
    labels[`perf ${hz}`] = `\`perf record -e cpu-clock -F ${hz} -a -g\``;
  }
  const rates = await interleaved(Object.keys(tracers), o.runs, (c, r) => {
    log(`profile overhead, run ${r + 1}/${o.runs}: ${c}`);
    return underTracer(tracers[c], () => spin(o.spinSeconds));
  });
  for (const f of [PERF_DATA, `${PERF_DATA}.old`]) rmSync(f, { force: true }); // perf keeps the previous file as .old
  const base = median(rates.nothing!);
  const sameRate = (c: string) => {
    const hz = c.split(' ')[1];
    return hz ? [median(rates[`bpftrace ${hz}`]!), median(rates[`perf ${hz}`]!)] : [NaN, NaN];
  };
  const rows = overheadRows(labels, rates, base, sameRate);
  for (const hz of RATES) rows.push([`libbpf-tools \`profile\`, ${hz} Hz`, 'not packaged', '', 'n/a', 'n/a', 'n/a']);

  const agent = await agentProfiles(o.agentSeconds);

  const memRows = agent.flatMap((a) => [
    [`**bpfleet agent**, peak during a ${o.agentSeconds} s profile at ${a.hz} Hz (${a.outcome})`, fmt(a.agent.rss), fmt(a.agent.pss), fmt(a.agent.uss), fmt(a.agent.anon)],
    [`  ↳ its llvm-symbolizer child, peak`, ...(a.symbolizer ? [fmt(a.symbolizer.rss), fmt(a.symbolizer.pss), fmt(a.symbolizer.uss), fmt(a.symbolizer.anon)] : ['not seen', '', '', ''])],
  ]);
  const symRows: (string | number)[][] = [];
  for (const hz of RATES) {
    const runs = helperRuns[hz]!.map((h) => ({ samples: h.summary.total ?? NaN, ...symbolization(h.stats) }));
    symRows.push([
      `bench helper, ${o.spinSeconds} s at ${hz} Hz (median of ${runs.length})`,
      fmtInt(median(runs.map((s) => s.samples))),
      fmtInt(median(runs.map((s) => s.stacks))),
      fmt(median(runs.map((s) => s.ms))),
      fmt(median(runs.map((s) => s.ms / s.stacks)), 3),
    ]);
  }
  for (const a of agent) {
    const succeeded = a.message?.type === 'succeeded' ? a.message : undefined;
    const s = symbolization(succeeded?.stats);
    const result = succeeded?.result as StacksResult | undefined;
    symRows.push([`agent, ${o.agentSeconds} s at ${a.hz} Hz`, fmtInt(result?.total ?? NaN), fmtInt(s.stacks), fmt(s.ms), fmt(s.ms / s.stacks, 3)]);
  }
  const worst = agent.reduce((w, a) => (a.agent.rss > w.agent.rss ? a : w));
  return [
    '## 5. profile: CPU sampling on every CPU',
    '',
    `**Overhead.** bench/spin.c runs one busy thread pinned to each of the ${cpus().length} CPUs for ${o.spinSeconds} s (frame pointers;`,
    'each iteration recurses 1–8 frames deep, so the stacks vary) and reports loop iterations/s: with nothing attached,',
    'and under each profiler sampling every CPU with kernel and user stacks. Everything a profiler costs (the sampling in',
    "the kernel, and its own process's CPU time) is taken from spin. All three sample the `cpu-clock` software event.",
    `Median of ${o.runs} runs, configurations interleaved.`,
    "libbpf-tools `profile`, the reference the issue names, is **not packaged** on Debian 12 (its libbpf-tools 0.26 has",
    "no `profile` binary) and BCC's Python `profile` needs kernel headers this host does not have, so that ratio is not",
    'available; bpftrace and `perf record` (to a file) stand in.',
    '',
    table(['attached', 'iterations/s (median)', 'min – max', 'vs nothing', 'vs bpftrace (same Hz)', 'vs perf (same Hz)'], rows),
    '',
    'Goal vs libbpf-tools `profile`: **not measurable here** (not packaged).',
    '',
    `**Agent memory.** The real agent (as in section 3) profiles every CPU at ${RATES.join(' and ')} Hz for ${o.agentSeconds} s while spin keeps`,
    'every CPU busy. Agent RSS is the exact peak of the run (VmHWM, reset just before it, so start-up does not count); PSS,',
    'USS and anon are peaks of samples every 250 ms. The llvm-symbolizer that symbolization runs as a child process (during',
    "the run's symbolization only) is looked for every 50 ms and shown on its own line (its RSS: its own VmHWM). The",
    "profile covers every process on the host, so its size (unique stacks, hence symbolization work and memory) depends",
    'on what else runs: spin alone makes ~100–150 stacks, a JIT-compiled process (node) nearly one per sample. MB:',
    '',
    table(['process', 'RSS', 'PSS', 'USS', 'anon'], memRows),
    '',
    `Goal: agent ≤ 120 MB RSS during a profile of a busy host — **${worst.agent.rss <= 120 ? 'met' : 'missed'}** (${fmt(worst.agent.rss)} MB at ${worst.hz} Hz; ` +
      `with its llvm-symbolizer child ${fmt(worst.agent.rss + (worst.symbolizer?.rss ?? 0))} MB).`,
    '',
    "**Symbolization**, from the runs above (the run's own stats `symbolizeMs` and `uniqueStacks`: the stacks in the result,",
    'each symbolized once). Per stack it is an average that includes fixed costs: reading /proc/kallsyms on first use in a',
    "process (the helper's every run, the agent's first), starting llvm-symbolizer and opening each binary it is asked about.",
    '',
    table(['run', 'samples', 'unique stacks', 'symbolization ms', 'ms per unique stack'], symRows),
  ].join('\n');
}

// ───────────────────────────── offcputime ─────────────────────────────

export interface OffcpuOptions {
  runs: number;
  /** Seconds of each ping-pong run. */
  seconds: number;
}

export async function benchOffcpu(o: OffcpuOptions): Promise<string> {
  const helperRuns: HeldRun[] = [];
  const tracers: Record<string, Tracer | undefined> = {
    nothing: undefined,
    // libbpf-tools offcputime prints nothing until it exits: it is attached once it holds its BPF link.
    'libbpf-tools': external(() => startHolding('offcputime', [], /^anon_inode:bpf_link$/)),
    bpftrace: external(() => startUntil('stdbuf', ['-oL', 'bpftrace', OFFCPUTIME_BT], /Tracing off-CPU time/)),
    bpfleet: bpfleet('offcputime', {}, helperRuns),
  };
  const labels: Record<string, string> = {
    nothing: 'nothing attached',
    'libbpf-tools': 'libbpf-tools offcputime',
    bpftrace: 'bpftrace offcputime.bt',
    bpfleet: '**bpfleet** offcputime',
  };
  const rates = await interleaved(Object.keys(tracers), o.runs, (c, r) => {
    log(`offcputime overhead, run ${r + 1}/${o.runs}: ${c}`);
    return underTracer(tracers[c], () => pingpong(o.seconds));
  });
  const lt = median(rates['libbpf-tools']!);
  const rows = overheadRows(labels, rates, median(rates.nothing!), () => [lt]);
  const bf = median(rates.bpfleet!) / lt;
  const sym = helperRuns.map((h) => symbolization(h.stats));
  return [
    '## 6. offcputime: overhead on a context-switch-heavy host',
    '',
    `bench/pingpong.c as in section 2 (two processes pinned to CPU 0, one byte back and forth over two pipes, ${o.seconds} s): every`,
    'round trip is two context switches, and at each one an off-CPU tracer takes the kernel and user stacks of the task',
    'switching out and adds the blocked time of the task switching in. All tracers trace every task with kernel + user',
    `stacks and their defaults (min block 1 µs). Round trips/s, median of ${o.runs} runs; configurations interleaved.`,
    '',
    table(['attached', 'round trips/s (median)', 'min – max', 'vs nothing', 'vs libbpf-tools'], rows),
    '',
    `bpfleet runs: median ${fmtInt(median(helperRuns.map((h) => h.summary.stacks ?? NaN)))} stacks in the result, symbolization ` +
      `${fmt(median(sym.map((s) => s.ms)))} ms for ${fmtInt(median(sym.map((s) => s.stacks)))} unique stacks (${fmt(median(sym.map((s) => s.ms / s.stacks)), 3)} ms each).`,
    '',
    `Goal: bpfleet ≥ 0.95 × libbpf-tools — **${bf >= 0.95 ? 'met' : 'missed'}** (${bf.toFixed(3)}×).`,
  ].join('\n');
}
