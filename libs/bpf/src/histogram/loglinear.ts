/**
 * The TypeScript twin of libs/bpf/include/loglinear.bpf.h: the same slot for every u64, plus the
 * decoder from a map's slots to a HistogramResult. See docs/histograms.md for the scheme.
 *
 * Buckets are half-open, [lo, hi): for integer values, slot i holds lo <= v < hi.
 */
import type { HistogramBucket, HistogramResult } from '../../../contracts/src/results.js';

/** Linear sub-buckets per power of two: 2^LOGLINEAR_SUB_BITS. Must match the C header. */
export const LOGLINEAR_SUB_BITS = 4;
export const LOGLINEAR_SUB_BUCKETS = 1 << LOGLINEAR_SUB_BITS;
/** Slots in a `struct loglinear_hist` (the largest u64 lands in slot LOGLINEAR_SLOTS - 1). */
export const LOGLINEAR_SLOTS = (64 - LOGLINEAR_SUB_BITS + 1) * LOGLINEAR_SUB_BUCKETS;
/** Upper bound of the relative width of any bucket (width / lo), hence of a value's read-back error. */
export const LOGLINEAR_MAX_RELATIVE_ERROR = 1 / LOGLINEAR_SUB_BUCKETS;

const U64_MAX = (1n << 64n) - 1n;

function toU64(value: bigint | number): bigint {
  let v: bigint;
  if (typeof value === 'bigint') v = value;
  else {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite value: ${value}`);
    v = BigInt(Math.floor(value));
  }
  if (v < 0n) return 0n; // the kernel side never sees negatives; a clock going backwards counts as 0
  return v > U64_MAX ? U64_MAX : v;
}

/** floor(log2(v)) for v >= 1 (number fast path below 2^53). */
function log2u(v: bigint): number {
  return v.toString(2).length - 1;
}

/** The slot of a value, exactly as `loglinear_index()` computes it in BPF. Negative → 0, > u64 max → last. */
export function bucketIndex(value: bigint | number): number {
  if (typeof value === 'number' && value >= 0 && value < 2 ** 32) {
    const v = Math.floor(value);
    if (v < LOGLINEAR_SUB_BUCKETS) return v;
    const e = 31 - Math.clz32(v);
    return ((e - LOGLINEAR_SUB_BITS + 1) << LOGLINEAR_SUB_BITS) | ((v >>> (e - LOGLINEAR_SUB_BITS)) & 15);
  }
  const v = toU64(value);
  if (v < BigInt(LOGLINEAR_SUB_BUCKETS)) return Number(v);
  const e = log2u(v);
  const sub = Number((v >> BigInt(e - LOGLINEAR_SUB_BITS)) & BigInt(LOGLINEAR_SUB_BUCKETS - 1));
  return ((e - LOGLINEAR_SUB_BITS + 1) << LOGLINEAR_SUB_BITS) | sub;
}

/** Exact bounds of a slot as bigints, [lo, hi). The last slot's hi is 2^64. */
export function bucketBoundsBig(index: number): { lo: bigint; hi: bigint } {
  if (!Number.isInteger(index) || index < 0 || index >= LOGLINEAR_SLOTS) {
    throw new RangeError(`log-linear slot out of range: ${index}`);
  }
  if (index < 2 * LOGLINEAR_SUB_BUCKETS) return { lo: BigInt(index), hi: BigInt(index + 1) };
  const e = BigInt((index >> LOGLINEAR_SUB_BITS) + LOGLINEAR_SUB_BITS - 1);
  const width = 1n << (e - BigInt(LOGLINEAR_SUB_BITS));
  const lo = (1n << e) + BigInt(index & (LOGLINEAR_SUB_BUCKETS - 1)) * width;
  return { lo, hi: lo + width };
}

/** Bounds of a slot, [lo, hi), as numbers (exact up to 2^53, which covers ~104 days in ns). */
export function bucketBounds(index: number): { lo: number; hi: number } {
  const { lo, hi } = bucketBoundsBig(index);
  return { lo: Number(lo), hi: Number(hi) };
}

export interface SummarizeOptions {
  /** Exact sum the BPF side tracked; otherwise approximated from bucket midpoints. */
  sum?: number | bigint;
  /** Exact minimum the BPF side tracked; otherwise the lower bound of the first non-empty bucket. */
  min?: number | bigint;
  /** Exact maximum the BPF side tracked; otherwise the upper bound of the last non-empty bucket. */
  max?: number | bigint;
}

/** A bucket list (sorted, non-overlapping, [lo, hi)) summarized into a HistogramResult. */
export interface BucketsLike {
  lo: number;
  hi: number;
  count: number;
}

/**
 * The value at quantile q (0..1) of a histogram, interpolating linearly inside the bucket that holds
 * it (integer values assumed spread evenly over lo..hi-1), clamped to [min, max] when known. The
 * result lies in the bucket holding the value of rank ceil(q × count), so its error is below the
 * bucket's width (≤ 1/16 of the value for log-linear buckets; 0 for the exact buckets below 32).
 */
export function quantile(buckets: readonly BucketsLike[], q: number, clamp?: { min: number; max: number }): number {
  const total = buckets.reduce((n, b) => n + b.count, 0);
  if (total === 0) return 0;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let seen = 0;
  const top = buckets[buckets.length - 1]!;
  let value = Math.max(top.lo, top.hi - 1);
  for (const b of buckets) {
    if (b.count === 0) continue;
    if (seen + b.count >= rank) {
      // Integer buckets: [lo, hi) holds the values lo..hi-1, so an exact (width 1) bucket returns lo.
      value = b.lo + ((rank - seen) / b.count) * Math.max(0, b.hi - 1 - b.lo);
      break;
    }
    seen += b.count;
  }
  if (clamp) value = Math.min(Math.max(value, clamp.min), clamp.max);
  return value;
}

/**
 * Builds a HistogramResult from bucket counts (non-empty buckets kept). min/max/sum are exact when
 * given, otherwise derived from the buckets (min = first lo, max = last hi - 1 for integer buckets,
 * sum = Σ count × midpoint). Percentiles interpolate inside buckets and are clamped to [min, max].
 */
export function summarizeBuckets(all: readonly BucketsLike[], unit: string, opts: SummarizeOptions = {}): HistogramResult {
  const buckets: HistogramBucket[] = all.filter((b) => b.count > 0).map((b) => ({ lo: b.lo, hi: b.hi, count: b.count }));
  const count = buckets.reduce((n, b) => n + b.count, 0);
  if (count === 0) {
    return { kind: 'histogram', unit, buckets: [], count: 0, sum: 0, min: 0, max: 0, p50: 0, p90: 0, p99: 0, p999: 0 };
  }
  const first = buckets[0]!;
  const last = buckets[buckets.length - 1]!;
  const min = opts.min !== undefined ? Number(opts.min) : first.lo;
  const max = opts.max !== undefined ? Number(opts.max) : Math.max(last.lo, last.hi - 1);
  const sum = opts.sum !== undefined ? Number(opts.sum) : buckets.reduce((s, b) => s + b.count * ((b.lo + b.hi - 1) / 2), 0);
  const clamp = { min, max };
  return {
    kind: 'histogram',
    unit,
    buckets,
    count,
    sum,
    min,
    max,
    p50: quantile(buckets, 0.5, clamp),
    p90: quantile(buckets, 0.9, clamp),
    p99: quantile(buckets, 0.99, clamp),
    p999: quantile(buckets, 0.999, clamp),
  };
}

/**
 * Decodes the slots of a `struct loglinear_hist` (already summed across CPUs for a per-CPU map) into
 * a HistogramResult. `slots` may be shorter than LOGLINEAR_SLOTS (missing slots count 0).
 */
export function summarize(slots: ArrayLike<number | bigint>, unit: string, opts: SummarizeOptions = {}): HistogramResult {
  if (slots.length > LOGLINEAR_SLOTS) throw new RangeError(`${slots.length} slots, at most ${LOGLINEAR_SLOTS}`);
  const buckets: BucketsLike[] = [];
  for (let i = 0; i < slots.length; i++) {
    const count = Number(slots[i]);
    if (count > 0) buckets.push({ ...bucketBounds(i), count });
  }
  return summarizeBuckets(buckets, unit, opts);
}

/** Slots of a loglinear histogram from a `struct loglinear_hist` value (little-endian u64s). */
export function slotsFromBuffer(buf: Buffer): bigint[] {
  const n = Math.min(LOGLINEAR_SLOTS, Math.floor(buf.length / 8));
  const out = new Array<bigint>(n);
  for (let i = 0; i < n; i++) out[i] = buf.readBigUInt64LE(i * 8);
  return out;
}

/** Counts raw values into log-linear slots (what the BPF side does), for tests and user-space sources. */
export function histogramOf(values: Iterable<number | bigint>): number[] {
  const slots = new Array<number>(LOGLINEAR_SLOTS).fill(0);
  for (const v of values) slots[bucketIndex(v)]! += 1;
  return slots;
}

/** The classic power-of-two bucket of a value (BCC/bpftrace `hist()`): 0 → 0, [2^k, 2^(k+1)) → k + 1. */
export function log2Index(value: number | bigint): number {
  const v = toU64(value);
  return v === 0n ? 0 : log2u(v) + 1;
}

/**
 * The same values summarized with power-of-two buckets, as bpftrace `hist()` or BCC would: for
 * comparison only (docs/histograms.md), since its percentiles can be off by up to 2×.
 */
export function log2Summary(values: Iterable<number | bigint>, unit: string): HistogramResult {
  const counts = new Map<number, number>();
  for (const v of values) {
    const i = log2Index(v);
    counts.set(i, (counts.get(i) ?? 0) + 1);
  }
  const buckets = [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([i, count]) => (i === 0 ? { lo: 0, hi: 1, count } : { lo: 2 ** (i - 1), hi: 2 ** i, count }));
  return summarizeBuckets(buckets, unit);
}
