/**
 * The time series ground truth: the `series-bursts` fixture makes rounds (one getppid, one 100 µs sleep) in
 * steps at known offsets and writes when each step really ran; this finds the interval of a run's series
 * each step fell in, from the interval starts the series gives.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CountsInterval, HistogramInterval } from '../../libs/contracts/src/index.js';
import type { ParamsOf, ToolDefinition } from '../../libs/tools/src/definition.js';
import type { ToolImplementation } from '../../libs/tools/src/runtime/runner.js';
import { compileWorkload } from './kernel.js';
import { traceWorkload } from './tools.js';

/** `rounds` rounds starting `offsetMs` after the workload is released. */
export interface BurstStep {
  offsetMs: number;
  rounds: number;
}

/**
 * How long after an interval's `at` its boundary read may still be going on: an event then may count in the
 * interval before. Reading the few keys of these runs takes well under a millisecond; 50 ms is a bound.
 */
export const BOUNDARY_READ_MS = 50;

/** The series-bursts binary under `name` (its comm). */
export const burstsBinary = (name: string) => compileWorkload('series-bursts', name);

/**
 * Traces the bursts workload (`binary`) with `params(pid)` for `durationMs`, which must end before the
 * workload does (its last step). Returns the run and, per interval of its series, the rounds the steps made
 * in it. Fails when a step straddles a boundary (a host too loaded to keep the steps clear of them).
 */
export async function traceBursts<D extends ToolDefinition<any, any>>(
  tool: ToolImplementation<D>,
  binary: string,
  steps: BurstStep[],
  durationMs: number,
  params: (pid: number) => Partial<ParamsOf<D>>,
) {
  const dir = mkdtempSync(join(tmpdir(), 'bpfleet-bursts-'));
  try {
    const file = join(dir, 'steps');
    const args = [file, ...steps.map((s) => `${s.offsetMs}:${s.rounds}`)];
    const out = await traceWorkload(tool, { file: binary, args }, params, { maxMs: durationMs });
    const ran = readFileSync(file, 'utf8').trim().split('\n').map((line) => line.split(' ').map(Number) as [number, number]);
    const series = (out.result as { series?: (CountsInterval | HistogramInterval)[] }).series ?? [];
    const starts = series.map((s) => Date.parse(s.at));
    // The window ends no earlier than its duration after the attach (the first interval's start).
    const ends = [...starts.slice(1), starts[0]! + durationMs];
    const roundsPerInterval = series.map(() => 0);
    steps.forEach((step, i) => {
      if (step.rounds === 0) return;
      const [start, end] = ran[i]!;
      const interval = starts.findIndex((from, j) => (j === 0 || from + BOUNDARY_READ_MS <= start) && end < ends[j]!);
      if (interval < 0) throw new Error(`step ${i} (${start}..${end}) is not inside one interval of ${JSON.stringify(series.map((s) => s.at))}`);
      roundsPerInterval[interval]! += step.rounds;
    });
    return { ...out, roundsPerInterval };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
