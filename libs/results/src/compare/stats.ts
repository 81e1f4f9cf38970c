/**
 * The tests behind comparisons and check verdicts: two-sided, normal approximations, continuity-corrected
 * where the statistic counts (which keeps them conservative on small counts). The comparison docs say why
 * each is valid on the data it gets.
 */
import { errorFunction } from 'simple-statistics';
import type { HistogramBucket } from '../../../contracts/src/index.js';

/**
 * Significance level of every test. Strict because a CI check judges several thresholds on every change and
 * a false `fail` costs someone an investigation, and because traced events come in bursts (not independent),
 * which makes nominal p-values optimistic.
 */
export const ALPHA = 0.01;

/** Two-sided p-value of a standard normal statistic, in [0, 1] (below ~1e-15 it reads 0: float precision). */
export function twoSidedP(z: number): number {
  return Math.min(1, Math.max(0, 1 - errorFunction(Math.abs(z) / Math.SQRT2)));
}

/** A statistic moved towards its mean by a continuity correction, never past it. */
const corrected = (difference: number, correction: number): number => Math.sign(difference) * Math.max(0, Math.abs(difference) - correction);

/** A z statistic and its two-sided p-value; `z > 0` means the target (second) side is higher. */
export interface ZTest {
  z: number;
  pValue: number;
}

const zTest = (difference: number, correction: number, sd: number): ZTest => {
  const z = sd > 0 ? corrected(difference, correction) / sd : 0;
  return { z, pValue: twoSidedP(z) };
};

/** Counts of both sides in one range of values that cannot be ordered further: a tie group. */
export interface TieGroup {
  base: number;
  target: number;
}

/**
 * The buckets of two histograms as ordered tie groups. Identical buckets form one group; buckets that
 * partially overlap (two bucket schemes) merge into one group, which only coarsens the ties.
 */
export function tieGroups(base: readonly HistogramBucket[], target: readonly HistogramBucket[]): TieGroup[] {
  const all = [...base.map((b) => ({ ...b, target: false })), ...target.map((b) => ({ ...b, target: true }))]
    .filter((b) => b.count > 0)
    .sort((a, b) => a.lo - b.lo || a.hi - b.hi);
  const groups: TieGroup[] = [];
  let reach = -Infinity;
  for (const bucket of all) {
    if (groups.length === 0 || bucket.lo >= reach) groups.push({ base: 0, target: 0 });
    const group = groups[groups.length - 1]!;
    if (bucket.target) group.target += bucket.count;
    else group.base += bucket.count;
    reach = Math.max(reach, bucket.hi);
  }
  return groups;
}

/** A distribution-shift test's figures, as the comparison reports them. */
export interface ShiftTest {
  test: 'mann-whitney-u';
  /** Pairs (base, target) where the target value is larger, ties counting one half. */
  u: number;
  z: number;
  pValue: number;
  /** Cliff's delta, P(target > base) − P(target < base), in [−1, 1]: positive when the target is higher. */
  effect: number;
  /** pValue < ALPHA. */
  significant: boolean;
}

/**
 * Mann–Whitney U over tie groups: every value of a group gets the group's midrank and the variance takes
 * the tie correction, so bucketed data is tested exactly as the same values rounded to their buckets.
 * Null when a side is empty.
 */
export function mannWhitney(groups: readonly TieGroup[]): ShiftTest | null {
  const n1 = groups.reduce((n, g) => n + g.base, 0);
  const n2 = groups.reduce((n, g) => n + g.target, 0);
  if (n1 === 0 || n2 === 0) return null;
  const n = n1 + n2;
  let baseBelow = 0;
  let u = 0;
  let ties = 0;
  for (const g of groups) {
    u += g.target * (baseBelow + g.base / 2);
    baseBelow += g.base;
    const t = g.base + g.target;
    ties += t * t * t - t;
  }
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  const { z, pValue } = zTest(u - (n1 * n2) / 2, 0.5, Math.sqrt(Math.max(0, variance)));
  return { test: 'mann-whitney-u', u, z, pValue, effect: (2 * u) / (n1 * n2) - 1, significant: pValue < ALPHA };
}

/**
 * Two-proportion z-test (pooled variance, Yates-corrected): do x1 of n1 and x2 of n2 differ?
 * `z > 0` when the second proportion is higher. p = 1 when either side is empty or nothing varies.
 */
export function twoProportionTest(x1: number, n1: number, x2: number, n2: number): ZTest {
  if (n1 <= 0 || n2 <= 0) return { z: 0, pValue: 1 };
  const pooled = (x1 + x2) / (n1 + n2);
  const spread = 1 / n1 + 1 / n2;
  return zTest(x2 / n2 - x1 / n1, spread / 2, Math.sqrt(pooled * (1 - pooled) * spread));
}

/**
 * A quantile test on bucketed data (Mood's median test generalized to quantile q): the cut is an edge of the
 * tie group holding the pooled q-quantile, and the shares of each side above it are compared with a
 * two-proportion test. The group's upper edge, unless nothing lies above it (the quantile is in the top
 * group, common with coarse buckets): then its lower edge, so that there is something to compare. The cut depends on the pooled data only, so under "same distribution" it treats both
 * sides alike, and being a bucket edge, every count above it is exact. `z > 0`: the target has more above.
 */
export function quantileTest(groups: readonly TieGroup[], q: number): ZTest & { baseAbove: number; targetAbove: number } {
  const n1 = groups.reduce((n, g) => n + g.base, 0);
  const n2 = groups.reduce((n, g) => n + g.target, 0);
  const rank = q * (n1 + n2);
  let seen = 0;
  let at = 0;
  while (at < groups.length && seen + groups[at]!.base + groups[at]!.target < rank) {
    seen += groups[at]!.base + groups[at]!.target;
    at++;
  }
  const aboveFrom = (first: number) => {
    const above = groups.slice(first);
    return { base: above.reduce((n, g) => n + g.base, 0), target: above.reduce((n, g) => n + g.target, 0) };
  };
  const upper = aboveFrom(at + 1);
  const lower = aboveFrom(at);
  const useLower = upper.base + upper.target === 0 && lower.base + lower.target < n1 + n2;
  const { base: baseAbove, target: targetAbove } = useLower ? lower : upper;
  return { ...twoProportionTest(baseAbove, n1, targetAbove, n2), baseAbove, targetAbove };
}

/**
 * Poisson rate test (the conditional binomial test, normal approximation) of "the target's rate is `ratio`
 * times the base's": given x1 + x2 events, the target's expected share is its share of the exposure weighted
 * by `ratio`. `z > 0` when the target's rate is higher than that.
 */
export function poissonRateTest(x1: number, exposure1: number, x2: number, exposure2: number, ratio = 1): ZTest {
  const n = x1 + x2;
  const share = (ratio * exposure2) / (exposure1 + ratio * exposure2);
  return zTest(x2 - n * share, 0.5, Math.sqrt(n * share * (1 - share)));
}

/** A proportion with half a success and half a failure added (Haldane), so none is 0 or 1. */
const smoothed = (x: number, n: number) => (x + 0.5) / (n + 1);

/**
 * Test of "p2 = ratio × p1" for proportions x1/n1 and x2/n2: Wald test of the log ratio (Katz), with the
 * Haldane correction so an empty side stays finite. `z > 0` when p2 is above ratio × p1.
 */
export function shareRatioTest(x1: number, n1: number, x2: number, n2: number, ratio: number): ZTest {
  const [p1, p2] = [smoothed(x1, n1), smoothed(x2, n2)];
  const sd = Math.sqrt((1 - p1) / (p1 * (n1 + 1)) + (1 - p2) / (p2 * (n2 + 1)));
  return zTest(Math.log(p2 / p1) - Math.log(ratio), 0, sd);
}

/** Test of "p2 = p1 + difference" (Wald, unpooled, Haldane-smoothed). `z > 0` when p2 is above that. */
export function shareDifferenceTest(x1: number, n1: number, x2: number, n2: number, difference: number): ZTest {
  const [p1, p2] = [smoothed(x1, n1), smoothed(x2, n2)];
  const sd = Math.sqrt((p1 * (1 - p1)) / (n1 + 1) + (p2 * (1 - p2)) / (n2 + 1));
  return zTest(p2 - p1 - difference, 0, sd);
}

/**
 * The base's buckets moved by `move` (increasing: the limit applied to every value) and spread over the
 * target's buckets, as tie groups: the base under "changed by exactly the limit". Each moved bucket's count is
 * split over the target buckets (and the gaps between them) in proportion to overlap, values taken as spread
 * evenly inside a bucket, so base counts become fractional; the target's stay exact.
 */
export function movedTieGroups(base: readonly HistogramBucket[], target: readonly HistogramBucket[], move: (value: number) => number): TieGroup[] {
  const moved = base.filter((b) => b.count > 0).map((b) => ({ lo: move(b.lo), hi: move(b.hi), count: b.count })).sort((a, b) => a.lo - b.lo);
  const observed = target.filter((b) => b.count > 0).sort((a, b) => a.lo - b.lo);
  // The target's buckets and the gaps between them, extended (never split) to reach the moved base.
  const edges = [...new Set(observed.flatMap((b) => [b.lo, b.hi]))];
  if (moved.length > 0) {
    const lowest = moved[0]!.lo;
    const highest = Math.max(...moved.map((b) => b.hi));
    if (edges.length === 0 || lowest < edges[0]!) edges.unshift(lowest);
    if (highest > edges[edges.length - 1]!) edges.push(highest);
  }
  if (edges.length < 2) return [{ base: moved.reduce((n, b) => n + b.count, 0), target: observed.reduce((n, b) => n + b.count, 0) }];
  const groups = edges.slice(1).map((hi, i) => ({ lo: edges[i]!, hi, base: 0, target: 0 }));
  let at = 0;
  for (const b of observed) {
    while (groups[at]!.lo < b.lo) at++;
    groups[at]!.target += b.count;
  }
  at = 0;
  for (const b of moved) {
    while (at + 1 < groups.length && groups[at]!.hi <= b.lo) at++;
    if (b.hi <= b.lo) {
      groups[at]!.base += b.count;
      continue;
    }
    for (let g = at; g < groups.length && groups[g]!.lo < b.hi; g++) {
      const overlap = Math.min(b.hi, groups[g]!.hi) - Math.max(b.lo, groups[g]!.lo);
      if (overlap > 0) groups[g]!.base += (b.count * overlap) / (b.hi - b.lo);
    }
  }
  return groups.filter((g) => g.base > 0 || g.target > 0).map((g) => ({ base: g.base, target: g.target }));
}
