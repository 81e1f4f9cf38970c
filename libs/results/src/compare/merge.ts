import { summarizeBuckets, type BucketsLike } from '../../../bpf/src/histogram/index.js';
import type { CountsResult, EventsResult, HistogramResult, StacksResult, ToolResult } from '../../../contracts/src/index.js';
import { IncompatibleSamplesError } from './errors.js';
import type { Sample } from './sample.js';

/**
 * One job's runs as one sample. Histograms: buckets summed by (lo, hi) and the summary recomputed with the
 * decoder's percentile code (exact min/max/sum carried over); per-key groups are dropped, a comparison is on
 * the whole. Counts: rows summed by their key columns, every numeric non-key column summed. Stacks: counts
 * summed per (frames, comm), pid and tid dropped (they differ between hosts). Events: rows concatenated.
 * `tracedMs` and `runs` are summed; `durationSec` is the job's.
 *
 * @throws IncompatibleSamplesError on an empty list, mixed kinds, histogram or stack units, count keys, or
 *   requested durations (the runs of one job never differ in these).
 */
export function mergeSamples(samples: Sample[]): Sample {
  const first = samples[0];
  if (!first) throw new IncompatibleSamplesError('no samples to merge');
  for (const sample of samples) {
    if (sample.result.kind !== first.result.kind) {
      throw new IncompatibleSamplesError(`cannot merge a ${sample.result.kind} result into a ${first.result.kind} result`);
    }
    if (sample.durationSec !== first.durationSec) {
      throw new IncompatibleSamplesError(`cannot merge runs of ${sample.durationSec} s and ${first.durationSec} s: they are not one job`);
    }
  }
  return {
    result: mergeResults(samples.map((s) => s.result)),
    tracedMs: samples.reduce((sum, s) => sum + s.tracedMs, 0),
    overrunMs: samples.reduce((sum, s) => sum + (s.overrunMs ?? 0), 0),
    durationSec: first.durationSec,
    runs: samples.reduce((sum, s) => sum + s.runs, 0),
  };
}

function mergeResults(results: ToolResult[]): ToolResult {
  switch (results[0]!.kind) {
    case 'histogram':
      return mergeHistograms(results as HistogramResult[]);
    case 'counts':
      return mergeCounts(results as CountsResult[]);
    case 'stacks':
      return mergeStacks(results as StacksResult[]);
    case 'events':
      return mergeEvents(results as EventsResult[]);
  }
}

function sameUnit(results: { unit: string }[], kind: string): string {
  const unit = results[0]!.unit;
  const other = results.find((r) => r.unit !== unit);
  if (other) throw new IncompatibleSamplesError(`cannot merge ${kind} in ${other.unit} with ${kind} in ${unit}`);
  return unit;
}

/** The runs' notes (why a host saw little or nothing), each once. */
function mergedNote(results: ToolResult[]): { note?: string } {
  const notes = [...new Set(results.flatMap((r) => (r.note ? [r.note] : [])))];
  return notes.length > 0 ? { note: notes.join('; ') } : {};
}

function mergeHistograms(results: HistogramResult[]): HistogramResult {
  const unit = sameUnit(results, 'histograms');
  const buckets = new Map<string, BucketsLike>();
  for (const result of results) {
    for (const b of result.buckets) {
      const key = `${b.lo}:${b.hi}`;
      const merged = buckets.get(key);
      if (merged) merged.count += b.count;
      else buckets.set(key, { lo: b.lo, hi: b.hi, count: b.count });
    }
  }
  const sorted = [...buckets.values()].sort((a, b) => a.lo - b.lo || a.hi - b.hi);
  // An empty run's min and max are 0 by convention, not observations.
  const observed = results.filter((r) => r.count > 0);
  const exact =
    observed.length === 0
      ? {}
      : {
          min: Math.min(...observed.map((r) => r.min)),
          max: Math.max(...observed.map((r) => r.max)),
          sum: observed.reduce((sum, r) => sum + r.sum, 0),
        };
  return { ...summarizeBuckets(sorted, unit, exact), ...mergedNote(results) };
}

const keyOf = (row: Record<string, unknown>, keys: readonly string[]): string => JSON.stringify(keys.map((k) => row[k] ?? null));

function mergeCounts(results: CountsResult[]): CountsResult {
  const keys = results[0]!.keys;
  const other = results.find((r) => JSON.stringify(r.keys) !== JSON.stringify(keys));
  if (other) throw new IncompatibleSamplesError(`cannot merge counts keyed by [${other.keys.join(', ')}] with counts keyed by [${keys.join(', ')}]`);
  const rows = new Map<string, Record<string, unknown>>();
  for (const result of results) {
    for (const row of result.rows) {
      const key = keyOf(row, keys);
      const merged = rows.get(key);
      if (!merged) {
        rows.set(key, { ...row });
        continue;
      }
      for (const [column, value] of Object.entries(row)) {
        if (keys.includes(column) || typeof value !== 'number') continue;
        merged[column] = (typeof merged[column] === 'number' ? merged[column] : 0) + value;
      }
    }
  }
  const count = (row: Record<string, unknown>) => (typeof row.count === 'number' ? row.count : 0);
  const merged = [...rows.entries()].sort(([ka, a], [kb, b]) => count(b) - count(a) || (ka < kb ? -1 : ka > kb ? 1 : 0)).map(([, row]) => row);
  return { kind: 'counts', keys, rows: merged, total: results.reduce((sum, r) => sum + r.total, 0), ...mergedNote(results) };
}

type Stack = StacksResult['stacks'][number];

/** A stack's identity across hosts: what runs (frames) in which program (comm). */
export const stackIdentity = (stack: Stack): string =>
  JSON.stringify([stack.comm ?? null, stack.frames.map((f) => [f.symbol, f.module ?? null, f.offset ?? null])]);

function mergeStacks(results: StacksResult[]): StacksResult {
  const unit = sameUnit(results, 'stacks') as StacksResult['unit'];
  const stacks = new Map<string, Stack>();
  for (const result of results) {
    for (const stack of result.stacks) {
      const identity = stackIdentity(stack);
      const merged = stacks.get(identity);
      if (merged) merged.count += stack.count;
      else stacks.set(identity, { frames: stack.frames, ...(stack.comm !== undefined && { comm: stack.comm }), count: stack.count });
    }
  }
  const sorted = [...stacks.entries()].sort(([ia, a], [ib, b]) => b.count - a.count || (ia < ib ? -1 : ia > ib ? 1 : 0)).map(([, s]) => s);
  return { kind: 'stacks', unit, stacks: sorted, total: results.reduce((sum, r) => sum + r.total, 0), ...mergedNote(results) };
}

function mergeEvents(results: EventsResult[]): EventsResult {
  const columns = new Map<string, EventsResult['columns'][number]>();
  for (const result of results) for (const column of result.columns) if (!columns.has(column.name)) columns.set(column.name, column);
  return {
    kind: 'events',
    columns: [...columns.values()],
    rows: results.flatMap((r) => r.rows),
    total: results.reduce((sum, r) => sum + r.total, 0),
    dropped: results.reduce((sum, r) => sum + r.dropped, 0),
    ...mergedNote(results),
  };
}
