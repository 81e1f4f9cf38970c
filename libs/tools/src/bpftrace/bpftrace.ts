import { runBpftrace } from '../../../bpf/src/bpftrace/runner.js';
import type { ToolImplementation } from '../runtime/runner.js';
import { bpftrace } from './bpftrace.schema.js';
import { aggregationMaps } from './program.js';
import { bpftraceResult } from './result.js';

/**
 * bpftrace parses, compiles (LLVM) and attaches before tracing: seconds for a big program on a busy host.
 * Beyond this it is stopped and the run fails, so a run ends within this + its duration + the runner's
 * 5 s SIGKILL grace.
 */
const ATTACH_TIMEOUT_MS = 30_000;
/** printf lines kept as rows; more are counted in `dropped` (a result is stored whole). */
const MAX_LINES = 10_000;
/**
 * bpftrace reads printf output from a perf buffer it polls about every 100 ms and reads none once
 * SIGINTed: lines still in the buffer would be lost (15 of 137 in a test stopping at the workload's exit).
 * So it is stopped this long after the deadline or the abort: the whole window asked for is read.
 */
const DRAIN_MS = 300;

/** `signal`, aborted `DRAIN_MS` after it (at once when it already is). */
function drainedAbort(signal: AbortSignal): { signal: AbortSignal; [Symbol.dispose](): void } {
  if (signal.aborted) return { signal, [Symbol.dispose]: () => {} };
  const drained = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => (timer = setTimeout(() => drained.abort(signal.reason), DRAIN_MS));
  signal.addEventListener('abort', onAbort, { once: true });
  return {
    signal: drained.signal,
    [Symbol.dispose]: () => {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(timer);
    },
  };
}

/**
 * The bpftrace tool's runtime half: no BPF object of its own (bpftrace compiles the caller's program), so
 * it is not built on defineRunner but honours the same contract: `onAttached` once every probe is attached,
 * an abort stops bpftrace (SIGINT) and returns what it printed, and the common stats.
 */
const implementation: ToolImplementation<typeof bpftrace> = {
  definition: bpftrace,
  layouts: {},
  rodata: () => ({}),
  async run(ctx) {
    const start = performance.now();
    const kind = bpftrace.resultKindOf(ctx.params);
    using stop = drainedAbort(ctx.signal);
    const run = await runBpftrace({
      program: ctx.params.program,
      durationMs: ctx.durationMs + DRAIN_MS,
      signal: stop.signal,
      onAttached: () => ctx.onAttached(),
      attachTimeoutMs: ATTACH_TIMEOUT_MS,
      maxLines: MAX_LINES,
    });
    const result = bpftraceResult(kind, aggregationMaps(ctx.params.program), run.output, run.killed);
    const { attachMs, tracedMs, lostEvents = 0 } = run.stats;
    // bpftrace compiles, loads and attaches in one go: its load time is its time to attached.
    if (attachMs === undefined) return { result, stats: { loadMs: Math.round(performance.now() - start), lostEvents } };
    return { result, stats: { loadMs: attachMs, attachMs, tracedMs, lostEvents } };
  },
};

export default implementation;
