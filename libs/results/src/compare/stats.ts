/**
 * The tests behind comparisons and check verdicts, all two-sided with a normal approximation and a
 * continuity correction (which keeps them conservative on small counts). See /docs for why each is valid.
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
 * A quantile test on bucketed data (Mood's median test generalized to quantile q): the cut is the upper edge
 * of the tie group holding the pooled q-quantile, and the shares of each side above it are compared with a
 * two-proportion test. The cut depends on the pooled data only, so under "same distribution" it treats both
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
  const above = groups.slice(at + 1);
  const baseAbove = above.reduce((n, g) => n + g.base, 0);
  const targetAbove = above.reduce((n, g) => n + g.target, 0);
  return { ...twoProportionTest(baseAbove, n1, targetAbove, n2), baseAbove, targetAbove };
}

/**
 * Poisson rate test (the conditional binomial test, normal approximation): given x1 + x2 events, under equal
 * rates the target's share is its share of the exposure. `z > 0` when the target's rate is higher.
 */
export function poissonRateTest(x1: number, exposure1: number, x2: number, exposure2: number): ZTest {
  const n = x1 + x2;
  const share = exposure2 / (exposure1 + exposure2);
  return zTest(x2 - n * share, 0.5, Math.sqrt(n * share * (1 - share)));
}
