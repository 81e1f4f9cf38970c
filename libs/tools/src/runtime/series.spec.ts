import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { histogramOf, summarize } from '../../../bpf/src/histogram/index.js';
import type { CountsInterval, CountsResult, HistogramInterval, HistogramResult, ToolResult } from '../../../contracts/src/index.js';
import { SeriesRecorder, countsSince, histogramSince } from './series.js';

const counts = (rows: Record<string, unknown>[]): CountsResult => ({
  kind: 'counts',
  keys: ['syscall', 'pid'],
  rows,
  total: rows.reduce((n, r) => n + (r.count as number), 0),
});

describe('countsSince', () => {
  it('gives each row its increase by key, numeric columns only, leaving out rows that did not change', () => {
    const before = counts([
      { syscall: 'read', pid: 1, count: 10, totalLatencyNs: 1000 },
      { syscall: 'read', pid: 2, count: 5, totalLatencyNs: 50 },
      { syscall: 'write', pid: 1, count: 3, totalLatencyNs: 30 },
    ]);
    const after = counts([
      { syscall: 'read', pid: 1, count: 12, totalLatencyNs: 1300 },
      { syscall: 'read', pid: 2, count: 5, totalLatencyNs: 50 },
      { syscall: 'write', pid: 1, count: 9, totalLatencyNs: 90 },
      { syscall: 'close', pid: 2, count: 1, totalLatencyNs: 7 },
    ]);
    expect(countsSince(before, after)).toEqual({
      rows: [
        { syscall: 'write', pid: 1, count: 6, totalLatencyNs: 60 },
        { syscall: 'read', pid: 1, count: 2, totalLatencyNs: 300 },
        { syscall: 'close', pid: 2, count: 1, totalLatencyNs: 7 },
      ],
      total: 9,
    });
  });

  it('tells keys apart by every key column (the same syscall of two pids), and starts from zero', () => {
    const first = counts([
      { syscall: 'read', pid: 2, count: 4 },
      { syscall: 'read', pid: 1, count: 4 },
    ]);
    expect(countsSince(undefined, first)).toEqual({
      rows: [
        { syscall: 'read', pid: 1, count: 4 },
        { syscall: 'read', pid: 2, count: 4 },
      ],
      total: 8,
    });
    expect(countsSince(first, first)).toEqual({ rows: [], total: 0 });
  });
});

describe('histogramSince', () => {
  it('subtracts bucket by bucket and the sum, with count and percentiles from the buckets that grew', () => {
    const before = summarize(histogramOf([3, 3, 100]), 'us', { sum: 106, min: 3, max: 100 });
    const after = summarize(histogramOf([3, 3, 100, 3, 7, 7, 7, 7]), 'us', { sum: 137, min: 3, max: 100 });
    // Grown: one 3 and four 7s (exact buckets below 32): p50 is 7, the sum 31.
    expect(histogramSince(before, after)).toEqual({
      buckets: [
        { lo: 3, hi: 4, count: 1 },
        { lo: 7, hi: 8, count: 4 },
      ],
      count: 5,
      sum: 31,
      p50: 7,
      p90: 7,
      p99: 7,
      p999: 7,
    });
  });

  it('is the whole from zero, and empty when nothing grew', () => {
    const h = summarize(histogramOf([40, 40, 40]), 'ms', { sum: 120, min: 40, max: 40 });
    // Inside [40, 42) without exact extremes, a percentile interpolates over the values 40..41.
    expect(histogramSince(undefined, h)).toEqual({ buckets: [{ lo: 40, hi: 42, count: 3 }], count: 3, sum: 120, p50: 40.5, p90: 40.9, p99: 40.99, p999: 40.999 });
    expect(histogramSince(h, h)).toEqual({ buckets: [], count: 0, sum: 0, p50: 0, p90: 0, p99: 0, p999: 0 });
  });
});

describe('SeriesRecorder', () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.parse('2026-11-29T10:00:00.000Z'), toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  /** A recorder over these cumulative snapshots, read one per tick, a second apart. */
  function record(snapshots: ToolResult[], whole: ToolResult) {
    const pending = [...snapshots];
    const recorder = new SeriesRecorder(1, () => pending.shift()!);
    recorder.start();
    for (let i = 0; i < snapshots.length; i++) {
      vi.advanceTimersByTime(1000);
      recorder.tick();
    }
    vi.advanceTimersByTime(400);
    return recorder.finish(whole);
  }

  it('makes counts intervals starting at the attach and at each tick, the last one ending with the whole', () => {
    const whole = counts([{ syscall: 'getppid', pid: 7, count: 400 }]);
    const result = record([counts([{ syscall: 'getppid', pid: 7, count: 100 }]), counts([{ syscall: 'getppid', pid: 7, count: 100 }])], whole);
    expect(result).toEqual({
      ...whole,
      intervalSec: 1,
      series: [
        { at: '2026-11-29T10:00:00.000Z', rows: [{ syscall: 'getppid', pid: 7, count: 100 }], total: 100 },
        { at: '2026-11-29T10:00:01.000Z', rows: [], total: 0 },
        { at: '2026-11-29T10:00:02.000Z', rows: [{ syscall: 'getppid', pid: 7, count: 300 }], total: 300 },
      ],
    });
  });

  it('adds up to the whole exactly, for any growth of the counters', () => {
    // Deterministic pseudo-random growth over 30 snapshots of 20 keys × 2 columns.
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 50;
    const running = new Map<number, { count: number; totalLatencyNs: number }>();
    const snapshots: CountsResult[] = [];
    for (let s = 0; s <= 30; s++) {
      for (let k = 0; k < 20; k++) {
        if (next() < 25) continue;
        const r = running.get(k) ?? { count: 0, totalLatencyNs: 0 };
        running.set(k, { count: r.count + next(), totalLatencyNs: r.totalLatencyNs + 1000 * next() });
      }
      snapshots.push(counts([...running].map(([pid, v]) => ({ syscall: 'read', pid, ...v }))));
    }
    const whole = snapshots.pop()!;
    const result = record(snapshots, whole) as CountsResult;
    const series = result.series as CountsInterval[];
    expect(series).toHaveLength(31);
    const summed = new Map<number, { count: number; totalLatencyNs: number }>();
    for (const interval of series) {
      for (const r of interval.rows) {
        const s = summed.get(r.pid as number) ?? { count: 0, totalLatencyNs: 0 };
        summed.set(r.pid as number, { count: s.count + (r.count as number), totalLatencyNs: s.totalLatencyNs + (r.totalLatencyNs as number) });
      }
    }
    expect(Object.fromEntries(summed)).toEqual(Object.fromEntries(running));
    expect(series.reduce((n, i) => n + i.total, 0)).toBe(whole.total);
  });

  it('makes histogram intervals whose buckets add up to the whole', () => {
    const snapshot = summarize(histogramOf([5, 5, 900]), 'us', { sum: 910, min: 5, max: 900 });
    const whole = summarize(histogramOf([5, 5, 900, 5, 2000]), 'us', { sum: 2915, min: 5, max: 2000 });
    const result = record([snapshot], whole) as HistogramResult;
    const series = result.series as HistogramInterval[];
    expect(series.map((i) => [i.at, i.count, i.sum])).toEqual([
      ['2026-11-29T10:00:00.000Z', 3, 910],
      ['2026-11-29T10:00:01.000Z', 2, 2005],
    ]);
    const summed = new Map<number, number>();
    for (const i of series) for (const b of i.buckets) summed.set(b.lo, (summed.get(b.lo) ?? 0) + b.count);
    expect(Object.fromEntries(summed)).toEqual(Object.fromEntries(whole.buckets.map((b) => [b.lo, b.count])));
    // The whole keeps its exact extremes; the intervals have none.
    expect(result).toMatchObject({ min: 5, max: 2000, count: 5 });
  });

  it('refuses a result kind without series', () => {
    const recorder = new SeriesRecorder(1, () => ({ kind: 'stacks', unit: 'samples', stacks: [], total: 0 }));
    recorder.start();
    expect(() => recorder.tick()).toThrow('a stacks result has no time series');
  });
});
