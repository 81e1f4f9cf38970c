import { describe, expect, it } from 'vitest';
import {
  LOGLINEAR_MAX_RELATIVE_ERROR,
  LOGLINEAR_SLOTS,
  bucketBounds,
  bucketBoundsBig,
  bucketIndex,
  histogramOf,
  log2Summary,
  summarize,
} from './loglinear.js';

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Nearest-rank percentile of raw values: the value of rank ceil(q × n). */
function exactPercentile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

const QS = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p99', 0.99],
  ['p999', 0.999],
] as const;

function checkPercentiles(values: number[], exactExtremes = false) {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = values.reduce((s, v) => s + v, 0);
  const opts = exactExtremes ? { sum, min: sorted[0]!, max: sorted[sorted.length - 1]! } : {};
  const h = summarize(histogramOf(values), 'ns', opts);
  expect(h.count).toBe(values.length);
  for (const [name, q] of QS) {
    const exact = exactPercentile(sorted, q);
    const err = Math.abs(h[name] - exact);
    // Below the bucket width, which is ≤ 1/16 of the value (and 0 for exact buckets < 32).
    expect(err, `${name}: estimate ${h[name]} vs exact ${exact}`).toBeLessThanOrEqual(exact * LOGLINEAR_MAX_RELATIVE_ERROR);
  }
  if (exactExtremes) {
    expect(h.sum).toBe(sum);
    expect(h.min).toBe(sorted[0]);
    expect(h.max).toBe(sorted[sorted.length - 1]);
  } else {
    expect(Math.abs(h.sum - sum)).toBeLessThanOrEqual(sum * LOGLINEAR_MAX_RELATIVE_ERROR);
    expect(h.min).toBeLessThanOrEqual(sorted[0]!);
    expect(h.max).toBeGreaterThanOrEqual(sorted[sorted.length - 1]!);
  }
  return h;
}

describe('log-linear bucket index', () => {
  it('is exact below 32 and has 16 sub-buckets per power of two above', () => {
    for (let v = 0; v < 32; v++) expect(bucketIndex(v)).toBe(v);
    expect(bucketIndex(32)).toBe(32);
    expect(bucketIndex(33)).toBe(32);
    expect(bucketIndex(34)).toBe(33);
    expect(bucketIndex(63)).toBe(47);
    expect(bucketIndex(64)).toBe(48);
    expect(bucketIndex((1n << 64n) - 1n)).toBe(LOGLINEAR_SLOTS - 1);
    expect(LOGLINEAR_SLOTS).toBe(976);
  });

  it('agrees between the number and bigint paths and with its own bounds, at powers of two ± 1', () => {
    for (let k = 0; k < 64; k++) {
      for (const d of [-1n, 0n, 1n]) {
        const v = (1n << BigInt(k)) + d;
        if (v < 0n) continue;
        const i = bucketIndex(v);
        if (v < 2n ** 53n) expect(bucketIndex(Number(v))).toBe(i);
        const { lo, hi } = bucketBoundsBig(i);
        expect(lo <= v && v < hi, `${v} in slot ${i} = [${lo}, ${hi})`).toBe(true);
      }
    }
  });

  it('tiles [0, 2^64) with contiguous buckets no wider than 1/16 of their lower bound', () => {
    let prevHi = 0n;
    for (let i = 0; i < LOGLINEAR_SLOTS; i++) {
      const { lo, hi } = bucketBoundsBig(i);
      expect(lo).toBe(prevHi);
      expect(bucketIndex(lo)).toBe(i);
      expect(bucketIndex(hi - 1n)).toBe(i);
      if (i >= 32) expect((hi - lo) * 16n <= lo).toBe(true);
      prevHi = hi;
    }
    expect(prevHi).toBe(1n << 64n);
    expect(bucketBounds(40)).toEqual({ lo: 48, hi: 50 });
  });

  it('clamps out-of-range input', () => {
    expect(bucketIndex(-5)).toBe(0);
    expect(bucketIndex(1n << 70n)).toBe(LOGLINEAR_SLOTS - 1);
    expect(() => bucketBounds(LOGLINEAR_SLOTS)).toThrow(RangeError);
  });
});

describe('summarize: percentiles within the bound of exact ones', () => {
  const r = rng(42);
  const N = 20_000;

  it('uniform', () => {
    checkPercentiles(Array.from({ length: N }, () => Math.floor(1_000 + r() * 9_000_000)));
  });
  it('exponential (mean 50 µs in ns)', () => {
    checkPercentiles(Array.from({ length: N }, () => Math.floor(-Math.log(1 - r()) * 50_000)), true);
  });
  it('bimodal (100 ns and 5 ms modes)', () => {
    const values = Array.from({ length: N }, () =>
      r() < 0.7 ? Math.floor(100 + r() * 20) : Math.floor(5_000_000 + r() * 500_000),
    );
    const h = checkPercentiles(values);
    expect(h.p50).toBeLessThan(200);
    expect(h.p90).toBeGreaterThan(4_500_000);
  });
  it('constant', () => {
    const h = checkPercentiles(new Array(1000).fill(123_456), true);
    expect(h.p50).toBe(123_456);
    expect(h.p999).toBe(123_456);
    expect(h.buckets).toHaveLength(1);
  });
  it('small exact values', () => {
    const h = checkPercentiles(Array.from({ length: N }, () => Math.floor(r() * 30)));
    expect(Number.isInteger(h.p50)).toBe(true);
  });
  it('empty', () => {
    const h = summarize([], 'us');
    expect(h).toMatchObject({ kind: 'histogram', unit: 'us', count: 0, buckets: [], p99: 0 });
  });
  it('accepts bigint slots and keeps only non-empty buckets', () => {
    const slots = new Array<bigint>(LOGLINEAR_SLOTS).fill(0n);
    slots[5] = 3n;
    slots[100] = 1n;
    const h = summarize(slots, 'ns');
    expect(h.buckets).toEqual([
      { lo: 5, hi: 6, count: 3 },
      { ...bucketBounds(100), count: 1 },
    ]);
    expect(h.count).toBe(4);
  });
});

describe('log2Summary (for comparison)', () => {
  it('is off by up to 2x where log-linear stays within 1/16', () => {
    // All values in the low sixteenth of [2^20, 2^21): log2 cannot tell them from 2^21 - 1.
    const r = rng(7);
    const values = Array.from({ length: 10_000 }, () => 2 ** 20 + Math.floor(r() * 2 ** 16));
    const sorted = [...values].sort((a, b) => a - b);
    const exact = exactPercentile(sorted, 0.99);
    const ll = summarize(histogramOf(values), 'ns');
    const l2 = log2Summary(values, 'ns');
    expect(l2.buckets).toEqual([{ lo: 2 ** 20, hi: 2 ** 21, count: 10_000 }]);
    expect(Math.abs(ll.p99 - exact) / exact).toBeLessThanOrEqual(1 / 16);
    expect(l2.p99 / exact).toBeGreaterThan(1.8);
  });
});
