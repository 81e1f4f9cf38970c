/** Constructed samples for the comparison specs. */
import { histogramOf, summarize } from '../../../../bpf/src/histogram/index.js';
import type { CountsResult, EventsResult, StackFrame, StacksResult } from '../../../../contracts/src/index.js';
import type { Sample } from '../sample.js';

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer draws of an exponential distribution with this mean, as a latency tool would see them. */
export const exponential = (random: () => number, n: number, mean: number): number[] =>
  Array.from({ length: n }, () => Math.floor(-Math.log(1 - random()) * mean));

/** Window and traced time of a sample: `durationSec` requested, traced exactly that long, one run. */
export const window = (durationSec = 10, tracedMs = durationSec * 1000) => ({ durationSec, tracedMs, runs: 1 });

/** A log-linear histogram of raw values with exact extremes, as the BPF tools report it. */
export function histogramSample(values: number[], unit = 'us', at = window()): Sample {
  const sum = values.reduce((s, v) => s + v, 0);
  const extremes = values.length > 0 ? { sum, min: Math.min(...values), max: Math.max(...values) } : {};
  return { result: summarize(histogramOf(values), unit, extremes), ...at };
}

export function countsSample(keys: string[], rows: Record<string, unknown>[], at = window()): Sample {
  const result: CountsResult = { kind: 'counts', keys, rows, total: rows.reduce((n, r) => n + (r.count as number), 0) };
  return { result, ...at };
}

export function eventsSample(rows: Record<string, unknown>[], at = window()): Sample {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const result: EventsResult = { kind: 'events', columns: names.map((name) => ({ name, type: 'string' })), rows, total: rows.length, dropped: 0 };
  return { result, ...at };
}

/** A frame of a user function of `app` (`[kernel]` when the name ends in `_k`). */
export const frame = (symbol: string): StackFrame => (symbol.endsWith('_k') ? { symbol, module: '[kernel]' } : { symbol, module: '/usr/bin/app' });

/** Stacks given as `innermost;…;outermost` strings with counts. */
export function stacksSample(stacks: Record<string, number>, unit: StacksResult['unit'] = 'samples', at = window(), comm = 'app'): Sample {
  const list = Object.entries(stacks).map(([path, count]) => ({ frames: path.split(';').map(frame), comm, count }));
  return { result: { kind: 'stacks', unit, stacks: list, total: list.reduce((n, s) => n + s.count, 0) }, ...at };
}
