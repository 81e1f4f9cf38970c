/**
 * The generic probe tools' benchmarks: bpfleet's `funccount` and `trace` on a uprobe of a hot user function, side by
 * side with the same bpftrace one-liners, medians of --runs rounds.
 *   start-up    time to attached: bpfleet's runner in a warm process (the agent's steady state), its first run in a
 *               process, a fresh helper process from exec; bpftrace -e from exec
 *   throughput  calls/s of bench/hot.c under each tracer (configurations interleaved); each tracer's own count of
 *               the calls checked against the workload's
 */
import { once } from 'node:events';
import { join } from 'node:path';
import { TOOL_CATALOG } from '../libs/tools/src/catalog.js';
import { resolveProbes } from '../libs/tools/src/probes/resolve.js';
import { parseProbeSpec } from '../libs/tools/src/probes/spec.js';
import { attachRuns, type HeldRun, holdTool, releaseTool } from './bpfleet.js';
import { fmt, fmtInt, interleaved, log, median, ratio, run, type Started, startUntil, stop, table, WORK } from './lib.js';
import { bpfleet, overheadRows, type Tracer, underTracer } from './stacks.js';
import { hot } from './workloads.js';

const HOT = join(WORK, 'hot');
const PROBE = `u:${HOT}:hot_function`;
const UPROBE = `uprobe:${HOT}:hot_function`;
/** In-process runs per round: the first pays the process's first-use costs, the rest are warm. */
const ATTACH_RUNS = 4;
/** 10: the goal is bpfleet's start-up ≤ 1/10 of bpftrace's. */
const STARTUP_GOAL = 10;

/** One bpfleet tool and the bpftrace program doing the same. */
interface Pair {
  tool: 'funccount' | 'trace';
  /** The tool's params for the start-up figures. */
  params: Record<string, unknown>;
  program: string;
  /** Under load: params and program that keep none of the calls (trace), or undefined to use the ones above. */
  loaded?: { params: Record<string, unknown>; program: string };
  label: string;
  bpftraceLabel: string;
}

const PAIRS: Pair[] = [
  {
    tool: 'funccount',
    params: { probes: [PROBE] },
    program: `${UPROBE} { @ = count(); }`,
    label: '**bpfleet** funccount',
    bpftraceLabel: 'bpftrace `@ = count()`',
  },
  {
    tool: 'trace',
    params: { probes: [{ probe: PROBE, args: [{ index: 0, type: 's64' }] }] },
    program: `${UPROBE} { printf("%d\\n", arg0); }`,
    // hot.c's argument counts up from 0: `< 0` drops every call in the kernel, before the ring buffer.
    loaded: {
      params: { probes: [{ probe: PROBE, args: [{ index: 0, type: 's64' }], filter: { arg: 0, op: '<', value: 0 } }] },
      program: `${UPROBE} /(int64)arg0 < 0/ { printf("%d\\n", arg0); }`,
    },
    label: '**bpfleet** trace',
    bpftraceLabel: 'bpftrace `printf("%d\\n", arg0)`',
  },
];

/** bpftrace from exec until BEGIN has printed, which it fires once every probe is attached (stdbuf, or the line waits in stdio's buffer). */
const startBpftrace = (program: string): Promise<Started> =>
  startUntil('stdbuf', ['-oL', 'bpftrace', '-e', `BEGIN { printf("attached\\n"); } ${program}`], /^attached/);

/** A bpftrace program as a tracer; what it printed once stopped (its `@` map, its printf lines) is appended to `outputs`. */
const bpftrace = (program: string, outputs: string[][]): Tracer => ({
  start: () => startBpftrace(program),
  release: async (s) => {
    const ended = s.child.stdout!.readableEnded ? Promise.resolve() : once(s.child.stdout!, 'end');
    await stop(s.child, 'SIGINT');
    await ended;
    outputs.push(s.lines.slice(s.lines.indexOf('attached') + 1));
  },
});

// ───────────────────────────── start-up ─────────────────────────────

/**
 * The kernel's own time to create the uprobe (perf_event_open, no BPF program; bench/uprobe-open.c), `count` times
 * 100 ms apart: every tracer here pays it, so no start-up can be shorter.
 */
async function kernelUprobeOpens(count: number): Promise<number[]> {
  const [probe] = resolveProbes([parseProbeSpec(PROBE, { wildcards: false })]);
  if (probe?.type !== 'uprobe') throw new Error(`${PROBE} did not resolve to a uprobe`);
  const out = await run(join(WORK, 'uprobe-open'), [probe.binary, String(probe.offset), String(count)]);
  return out.trim().split('\n').map(Number);
}

interface Startup {
  warm: number[];
  /** Of the warm runs: open + probe resolution + load (the run's stats.loadMs), and the rest up to attached. */
  warmLoad: number[];
  warmAttach: number[];
  firstRun: number[];
  fromExec: number[];
  bpftrace: number[];
}

async function startup(pair: Pair, runs: number): Promise<Startup> {
  const f: Startup = { warm: [], warmLoad: [], warmAttach: [], firstRun: [], fromExec: [], bpftrace: [] };
  for (let r = 0; r < runs; r++) {
    log(`generic start-up, run ${r + 1}/${runs}: ${pair.tool}`);
    const [first, ...warm] = await attachRuns(pair.tool, pair.params, ATTACH_RUNS);
    f.firstRun.push(first!.runnerMs);
    for (const w of warm) {
      f.warm.push(w.runnerMs);
      f.warmLoad.push(w.stats.loadMs ?? NaN);
      f.warmAttach.push((w.stats.attachMs ?? NaN) - (w.stats.loadMs ?? NaN));
    }
    const held = await holdTool(pair.tool, pair.params);
    f.fromExec.push(held.ms);
    await releaseTool(held);
    const bt = await startBpftrace(pair.program);
    f.bpftrace.push(bt.ms);
    await stop(bt.child, 'SIGINT');
  }
  return f;
}

function startupRows(pair: Pair, f: Startup, kernel: number[]): (string | number)[][] {
  const bt = median(f.bpftrace);
  const row = (what: string, values: number[]) => [what, fmt(median(values)), ratio(median(values), bt)];
  return [
    row('kernel alone: perf_event_open of the uprobe (bench/uprobe-open.c), in every tracer\'s start-up', kernel),
    row(`${pair.label}: runner → onAttached, warm process (the agent's steady state)`, f.warm),
    row('  ↳ open, resolve the probe (ELF symbols), set rodata, load (stats.loadMs)', f.warmLoad),
    row('  ↳ configuration maps, attach the uprobe (stats.attachMs − loadMs)', f.warmAttach),
    row(`${pair.label}: runner → onAttached, first run in the process (libbpf dlopen, koffi)`, f.firstRun),
    row(`${pair.label}: from exec of a fresh \`node\` helper (tool-helper.js, params validated)`, f.fromExec),
    row(`${pair.bpftraceLabel} from exec (to BEGIN output, attached)`, f.bpftrace),
  ];
}

const verdict = (pair: Pair, f: Startup, kernel: number[]) => {
  const bt = median(f.bpftrace);
  const share = median(f.warm) / bt;
  return `${pair.tool} **${share <= 1 / STARTUP_GOAL ? 'met' : 'missed'}** (warm ${ratio(median(f.warm), bt)} of bpftrace's; from exec ${ratio(median(f.fromExec), bt)}; the kernel's uprobe creation alone ${ratio(median(kernel), bt)})`;
};

// ───────────────────────────── throughput ─────────────────────────────

/** A tracer under load, and how to check what it reported against the calls the workload made. */
interface Loaded {
  tracer: Tracer;
  label: string;
  /** What it should report: every call counted (funccount, `@`), or no row at all (filtered trace). */
  expect: string;
  expected: (calls: number) => number;
  /** What it reported in its last run (read once released). */
  reported: () => number;
}

function loadedPair(pair: Pair): Record<string, Loaded> {
  const { params, program } = pair.loaded ?? pair;
  const helperRuns: HeldRun[] = [];
  const outputs: string[][] = [];
  const counting = pair.tool === 'funccount';
  const check = { expect: counting ? 'count = calls' : '0 rows', expected: (calls: number) => (counting ? calls : 0) };
  const bpftraceCount = (lines: string[]) => Number(/^@: (\d+)/.exec(lines.find((l) => l.startsWith('@:')) ?? '')?.[1] ?? 0);
  return {
    [`bpfleet ${pair.tool}`]: {
      tracer: bpfleet(pair.tool, params, helperRuns),
      label: `${pair.label}${pair.loaded ? ', filter keeping none' : ''}`,
      ...check,
      reported: () => (counting ? helperRuns.at(-1)!.summary.total! : helperRuns.at(-1)!.summary.events!),
    },
    [`bpftrace ${pair.tool}`]: {
      tracer: bpftrace(program, outputs),
      label: `${pair.bpftraceLabel}${pair.loaded ? ' with `/(int64)arg0 < 0/`' : ''}`,
      ...check,
      reported: () => (counting ? bpftraceCount(outputs.at(-1)!) : outputs.at(-1)!.filter((l) => /^-?\d+$/.test(l)).length),
    },
  };
}

// ───────────────────────────── the section ─────────────────────────────

export interface GenericOptions {
  runs: number;
  /** Seconds of each hot.c run. */
  seconds: number;
}

export async function benchGeneric(o: GenericOptions): Promise<string> {
  // trace is measured once it is in the catalog (until then the section covers funccount only, and says so).
  const pairs = PAIRS.filter((p) => TOOL_CATALOG.has(p.tool));
  const started = new Map<Pair, Startup>();
  for (const pair of pairs) started.set(pair, await startup(pair, o.runs));
  log('generic start-up: the kernel alone');
  const kernel = await kernelUprobeOpens(o.runs * ATTACH_RUNS);

  const loaded: Record<string, Loaded> = Object.assign({}, ...pairs.map(loadedPair));
  const tracers: Record<string, Tracer | undefined> = { nothing: undefined };
  const labels: Record<string, string> = { nothing: 'nothing attached' };
  for (const [c, l] of Object.entries(loaded)) {
    tracers[c] = l.tracer;
    labels[c] = l.label;
  }
  const exact: Record<string, { reported: number; expected: number }[]> = {};
  const rates = await interleaved(Object.keys(tracers), o.runs, async (c, r) => {
    log(`generic throughput, run ${r + 1}/${o.runs}: ${c}`);
    let calls = NaN;
    const rate = await underTracer(tracers[c], async () => {
      const w = await hot(o.seconds);
      calls = w.calls;
      return w.rate;
    });
    const l = loaded[c];
    if (l) (exact[c] ??= []).push({ reported: l.reported(), expected: l.expected(calls) });
    return rate;
  });
  const reportedCell = (c: string) => {
    const runs = exact[c];
    if (!runs) return '';
    const ok = runs.filter((x) => x.reported === x.expected).length;
    const detail = ok === runs.length ? '' : `; got ${runs.map((x) => `${fmtInt(x.reported)} for ${fmtInt(x.expected)}`).join(', ')}`;
    return `${loaded[c]!.expect} in ${ok}/${runs.length} runs${detail}`;
  };
  const sameTool = (c: string) => [c === 'nothing' ? NaN : median(rates[`bpftrace ${c.split(' ')[1]}`]!)];
  const rows = overheadRows(labels, rates, median(rates.nothing!), sameTool).map((row, i) => {
    const c = Object.keys(labels)[i]!;
    // Under a uprobe the rate falls by 3-4 orders of magnitude: "1/N" reads better there than "0.00×".
    const share = median(rates[c]!) / median(rates.nothing!);
    if (share < 0.01) row[3] = `1/${fmtInt(1 / share)}`;
    return [...row, fmt(1e6 / median(rates[c]!), 3), reportedCell(c)];
  });
  const throughputVerdicts = pairs.map((p) => {
    const x = median(rates[`bpfleet ${p.tool}`]!) / median(rates[`bpftrace ${p.tool}`]!);
    return `${p.tool} **${x >= 1 ? 'met' : 'missed'}** (${x.toFixed(3)}×)`;
  });

  const missing = PAIRS.filter((p) => !pairs.includes(p)).map((p) => p.tool);
  return [
    '## 7. Generic tools: funccount and trace on a uprobe',
    '',
    ...(missing.length ? [`Not measured: ${missing.join(', ')} (not in the catalog of this build).`, ''] : []),
    `**Start-up to attached.** A uprobe on \`hot_function\` of bench/hot.c (${HOT}); nothing needs to run the binary to attach.`,
    `bpfleet: its runner in one helper process, ${ATTACH_RUNS} runs 100 ms apart each round, each detached once attached (the first run`,
    'of the process apart; the others are warm, as in the agent), and a fresh helper process from exec to its "attached" line',
    '(that figure includes node start-up, module loading and params validation, which the agent pays once at boot). bpftrace:',
    `\`bpftrace -e\` with the same probe and a BEGIN printf, from exec to that line. The kernel alone: \`perf_event_open\` of the uprobe`,
    `(bench/uprobe-open.c, no BPF program), which every tracer above includes. Median of ${o.runs} rounds; ratio = time / bpftrace's.`,
    '',
    table(['what', 'median ms', 'vs bpftrace'], pairs.flatMap((p) => startupRows(p, started.get(p)!, kernel))),
    '',
    `Goal: bpfleet warm ≤ 1/${STARTUP_GOAL} of bpftrace's start-up — ${pairs.map((p) => verdict(p, started.get(p)!, kernel)).join('; ')}.`,
    '',
    `**Traced workload throughput.** bench/hot.c calls \`hot_function(i)\` in a loop on CPU 0 for ${o.seconds} s; calls/s with nothing`,
    'attached and under each tracer, attached before it starts and detached after it exits (so a count must equal its calls).',
    "trace and bpftrace's printf run with a filter on arg0 < 0, which keeps none of the calls: the figure is the cost of the",
    'trap and the program, not of the ring buffer, the reader or the terminal. Last column: what the tracer reported, checked',
    `against the workload's own count of calls. Median of ${o.runs} runs, configurations interleaved.`,
    '',
    table(['attached', 'calls/s (median)', 'min – max', 'vs nothing', 'vs bpftrace (same program)', 'µs per call', 'tracer reported'], rows),
    '',
    `Goal: bpfleet ≥ 1.0 × bpftrace — ${throughputVerdicts.join('; ')}.`,
  ].join('\n');
}
