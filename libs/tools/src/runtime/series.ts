import { summarizeBuckets, type BucketsLike } from '../../../bpf/src/histogram/index.js';
import type { CountsInterval, CountsResult, HistogramInterval, HistogramResult, ToolResult } from '../../../contracts/src/index.js';

/**
 * Time series from cumulative snapshots. A series tool's kernel maps are never reset during a run: BPF
 * programs only add to their counters, user space only reads them. One interval is the difference between
 * the snapshot that ends it and the one that starts it, so every increment falls in exactly one interval
 * (the first snapshot that sees it; a counter once seen stays seen), none is lost between two, and the
 * intervals add up to the last snapshot, which is the whole-window result, exactly (the sum telescopes).
 */

/** A result a series can be made of. */
type SeriesResult = CountsResult | HistogramResult;

const keyOf = (row: Record<string, unknown>, keys: readonly string[]) => JSON.stringify(keys.map((k) => row[k]));

/**
 * What changed between two snapshots of a counts result (`before` undefined: the run's start, all zero):
 * per row, identified by its key columns, the increase of each numeric column. Rows that did not change are
 * left out; the rest are sorted as a whole result is (count descending, then keys). Every non-key column
 * of a series tool is an additive number (a count, a sum of latencies), so increases are what it observed.
 */
export function countsSince(before: CountsResult | undefined, after: CountsResult): Omit<CountsInterval, 'at'> {
  const { keys } = after;
  const earlier = new Map((before?.rows ?? []).map((row) => [keyOf(row, keys), row]));
  const rows: Record<string, unknown>[] = [];
  for (const row of after.rows) {
    const was = earlier.get(keyOf(row, keys));
    const changed: Record<string, unknown> = {};
    let moved = false;
    for (const [column, value] of Object.entries(row)) {
      if (keys.includes(column)) changed[column] = value;
      else if (typeof value === 'number') {
        changed[column] = value - ((was?.[column] as number | undefined) ?? 0);
        moved ||= changed[column] !== 0;
      }
    }
    if (moved) rows.push(changed);
  }
  rows.sort((a, b) => (b.count as number) - (a.count as number) || (keyOf(a, keys) < keyOf(b, keys) ? -1 : 1));
  return { rows, total: rows.reduce((sum, r) => sum + (r.count as number), 0) };
}

/**
 * What changed between two snapshots of a histogram (`before` undefined: all zero): per bucket the increase
 * of its count, and of the exact sum; count and percentiles follow from those buckets (the decoder's
 * percentile code, clamped to the buckets, since an interval's exact min and max are not kept).
 */
export function histogramSince(before: HistogramResult | undefined, after: HistogramResult): Omit<HistogramInterval, 'at'> {
  const earlier = new Map((before?.buckets ?? []).map((b) => [b.lo, b.count]));
  const grown: BucketsLike[] = after.buckets.map((b) => ({ lo: b.lo, hi: b.hi, count: b.count - (earlier.get(b.lo) ?? 0) }));
  const { buckets, count, p50, p90, p99, p999 } = summarizeBuckets(grown, after.unit);
  return { buckets, count, sum: after.sum - (before?.sum ?? 0), p50, p90, p99, p999 };
}

/**
 * One run's time series, on the skeleton's interval schedule: `start` when the probes are attached, `tick` at
 * every boundary while they are (it reads the collector's `snapshot`, the result so far), `finish` with the
 * whole-window result once they are detached, which ends the last interval.
 */
export class SeriesRecorder {
  readonly everyMs: number;
  readonly #intervalSec: number;
  readonly #snapshot: () => ToolResult;
  readonly #intervals: (CountsInterval | HistogramInterval)[] = [];
  #previous: SeriesResult | undefined;
  #start = new Date();

  constructor(intervalSec: number, snapshot: () => ToolResult) {
    this.#intervalSec = intervalSec;
    this.everyMs = intervalSec * 1000;
    this.#snapshot = snapshot;
  }

  /** The first interval starts now. */
  start(): void {
    this.#start = new Date();
  }

  /**
   * Ends the current interval with the snapshot and starts the next. Its `at` is taken before the read: an
   * event during the read (up to ~60 ms for a full hash of 10,240 keys) may fall on either side, never both.
   */
  tick(): void {
    const at = new Date();
    this.#close(this.#snapshot());
    this.#start = at;
  }

  /** `result` (the whole window) with `series` and `intervalSec`: its last interval ends with it. */
  finish<R extends ToolResult>(result: R): R {
    this.#close(result);
    return { ...result, series: this.#intervals, intervalSec: this.#intervalSec };
  }

  #close(snapshot: ToolResult): void {
    const at = this.#start.toISOString();
    if (snapshot.kind === 'counts') {
      this.#intervals.push({ at, ...countsSince(this.#previous as CountsResult | undefined, snapshot) });
    } else if (snapshot.kind === 'histogram') {
      this.#intervals.push({ at, ...histogramSince(this.#previous as HistogramResult | undefined, snapshot) });
    } else {
      throw new TypeError(`a ${snapshot.kind} result has no time series`);
    }
    this.#previous = snapshot;
  }
}
