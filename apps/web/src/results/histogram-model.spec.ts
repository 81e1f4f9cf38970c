import { describe, expect, it } from 'vitest';
import { barsOf, heatLevel, heatmapOf, markersOf, topGroups, valueRangeOf } from './histogram-model';

describe('barsOf', () => {
  it('keeps non-empty buckets and draws the one at 0 from half its upper bound', () => {
    expect(
      barsOf([
        { lo: 0, hi: 1, count: 4 },
        { lo: 1, hi: 2, count: 0 },
        { lo: 64, hi: 68, count: 7 },
      ]),
    ).toEqual([
      { lo: 0.5, hi: 1, count: 4 },
      { lo: 64, hi: 68, count: 7 },
    ]);
  });
});

describe('valueRangeOf', () => {
  it('spans every bar, and is a valid log range without bars', () => {
    expect(valueRangeOf([{ lo: 0.5, hi: 1, count: 1 }, { lo: 64, hi: 68, count: 2 }])).toEqual([0.5, 68]);
    expect(valueRangeOf([])).toEqual([1, 2]);
  });
});

describe('markersOf', () => {
  it('marks p50, p90 and p99, none on an empty histogram', () => {
    expect(markersOf({ count: 10, p50: 12, p90: 40, p99: 90 })).toEqual([
      { label: 'p50', value: 12 },
      { label: 'p90', value: 40 },
      { label: 'p99', value: 90 },
    ]);
    expect(markersOf({ count: 0, p50: 0, p90: 0, p99: 0 })).toEqual([]);
  });
});

describe('topGroups', () => {
  it('takes the groups with most values, largest first', () => {
    const groups = [5, 50, 20, 1].map((count, key) => ({ key, histogram: { count } }));
    expect(topGroups(groups, 2).map((g) => g.key)).toEqual([1, 2]);
  });
});

describe('heatmapOf', () => {
  const series = [
    { at: '2026-01-01T00:00:02Z', buckets: [{ lo: 8, hi: 9, count: 3 }] },
    {
      at: '2026-01-01T00:00:00Z',
      buckets: [
        { lo: 0, hi: 1, count: 1 },
        { lo: 8, hi: 9, count: 5 },
        { lo: 15, hi: 16, count: 2 },
      ],
    },
    { at: '2026-01-01T00:00:01Z', buckets: [{ lo: 32, hi: 34, count: 2 }, { lo: 8, hi: 9, count: 0 }] },
  ];

  it('lays snapshots out in time and merges buckets per power of two, holes included', () => {
    const t0 = Date.parse('2026-01-01T00:00:00Z') / 1000;
    expect(heatmapOf(series)).toEqual({
      times: [t0, t0 + 1, t0 + 2],
      intervalSec: 1,
      bands: [0.5, 1, 2, 4, 8, 16, 32].map((lo) => ({ lo, hi: lo * 2 })),
      counts: [
        [1, 0, 0, 0, 7, 0, 0],
        [0, 0, 0, 0, 0, 0, 2],
        [0, 0, 0, 0, 3, 0, 0],
      ],
      max: 7,
    });
  });

  it('takes the interval from the result when given, epoch milliseconds as `at`', () => {
    const map = heatmapOf([{ at: 10_000, buckets: [{ lo: 2, hi: 3, count: 1 }] }], 5);
    expect(map).toEqual({ times: [10], intervalSec: 5, bands: [{ lo: 2, hi: 4 }], counts: [[1]], max: 1 });
  });

  it('has no bands for a series without values', () => {
    expect(heatmapOf([{ at: 0, buckets: [] }])).toEqual({ times: [0], intervalSec: 1, bands: [], counts: [[]], max: 0 });
  });

  it('scales levels logarithmically', () => {
    expect(heatLevel(0, 100)).toBe(0);
    expect(heatLevel(100, 100)).toBe(1);
    expect(heatLevel(9, 99)).toBeCloseTo(0.5, 12);
  });
});
