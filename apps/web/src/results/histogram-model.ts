import type { HistogramBucket, HistogramResult, HistogramSnapshot } from '../api/results';

/** A bucket as a log axis can draw it. */
export interface Bar {
  lo: number;
  hi: number;
  count: number;
}

/**
 * The non-empty buckets on a log value axis. A bucket starting at 0 (values below 1 in the histogram's unit)
 * has no place on a log axis; it is drawn from half its upper bound, which keeps its width on screen.
 */
export function barsOf(buckets: readonly HistogramBucket[]): Bar[] {
  return buckets.filter((b) => b.count > 0).map((b) => ({ lo: b.lo > 0 ? b.lo : b.hi / 2, hi: b.hi, count: b.count }));
}

/** The lowest bucket start and highest bucket end of `bars` ([1, 2] for none, any valid log range). */
export function valueRangeOf(bars: readonly Bar[]): [number, number] {
  if (bars.length === 0) return [1, 2];
  return [Math.min(...bars.map((b) => b.lo)), Math.max(...bars.map((b) => b.hi))];
}

/** The percentiles marked on the chart, with the value of each. */
export function markersOf(result: Pick<HistogramResult, 'p50' | 'p90' | 'p99' | 'count'>): { label: string; value: number }[] {
  if (result.count === 0) return [];
  return [
    { label: 'p50', value: result.p50 },
    { label: 'p90', value: result.p90 },
    { label: 'p99', value: result.p99 },
  ];
}

/** The groups to draw as small multiples: the `limit` with most values, largest first. */
export function topGroups<G extends { histogram: { count: number } }>(groups: readonly G[], limit: number): G[] {
  return [...groups].sort((a, b) => b.histogram.count - a.histogram.count).slice(0, limit);
}

/** A latency heatmap: time columns × value bands, each cell the count seen there. */
export interface Heatmap {
  /** Start of each column, epoch seconds (ascending). */
  times: number[];
  /** Width of a column in seconds. */
  intervalSec: number;
  /** Value bands, one per power of two, ascending, as a log axis draws them. */
  bands: { lo: number; hi: number }[];
  /** counts[column][band]. */
  counts: number[][];
  max: number;
}

const atSeconds = (at: string | number): number => (typeof at === 'number' ? at : Date.parse(at)) / 1000;

/**
 * The power of two holding a bucket: [2^k, 2^(k+1)). Log-linear buckets are 1/16 of a power of two high, too
 * thin to see as cells, so the heatmap merges them per power of two as BCC's histograms do; values below 1
 * share the band [0.5, 1) ({@link barsOf}).
 */
function bandOf(bar: Bar): number {
  return bar.lo < 1 ? -1 : Math.floor(Math.log2(bar.lo));
}

/**
 * The heatmap of a histogram's `series`: every power of two that any snapshot used, from the lowest to the
 * highest (so the value axis has no holes); the column width is `intervalSec` when the result gives it, else
 * the smallest gap between snapshots (1 s for a single one).
 */
export function heatmapOf(series: readonly HistogramSnapshot[], intervalSec?: number): Heatmap {
  const snapshots = [...series].sort((a, b) => atSeconds(a.at) - atSeconds(b.at));
  const times = snapshots.map((s) => atSeconds(s.at));
  const gaps = times.slice(1).map((t, i) => t - times[i]!).filter((gap) => gap > 0);
  const width = intervalSec ?? (gaps.length > 0 ? Math.min(...gaps) : 1);
  const perSnapshot = snapshots.map((snapshot) => barsOf(snapshot.buckets));
  const used = perSnapshot.flat().map(bandOf);
  if (used.length === 0) return { times, intervalSec: width, bands: [], counts: times.map(() => []), max: 0 };
  const lowest = Math.min(...used);
  const highest = Math.max(...used);
  const bands = Array.from({ length: highest - lowest + 1 }, (_, i) => ({ lo: 2 ** (lowest + i), hi: 2 ** (lowest + i + 1) }));
  let max = 0;
  const counts = perSnapshot.map((bars) => {
    const column = new Array<number>(bands.length).fill(0);
    for (const bar of bars) {
      const i = bandOf(bar) - lowest;
      column[i]! += bar.count;
      max = Math.max(max, column[i]!);
    }
    return column;
  });
  return { times, intervalSec: width, bands, counts, max };
}

/** A cell's position on the colour scale: log, so the tail stays visible beside the mode. */
export const heatLevel = (count: number, max: number): number => (count <= 0 || max <= 0 ? 0 : Math.log1p(count) / Math.log1p(max));
