import type { ThresholdBound } from './thresholds.js';
import type { Sample } from './sample.js';
import type { ZTest } from './stats.js';

/**
 * A limit as a change of the measure: `ratio` for a relative limit (1.1 for +10%, 0.95 for −5%), `difference`
 * for an absolute one, signed, in the measure's unit (a share for percentage points).
 */
export type LimitShift = { ratio: number } | { difference: number };

/** The ratio of a relative limit; counts take no other kind (the parser refuses them), so 1 never applies. */
export const ratioOf = (limit: LimitShift): number => ('ratio' in limit ? limit.ratio : 1);

/** A test behind a verdict, named as the `why` sentence names it. */
export type NamedTest = ZTest & { name: string };

/** What a threshold measures on a sample, and how a change of it is judged. */
export interface Measure {
  /** The unit of the values when limits may be absolute (a histogram's), else ''. */
  unit: string;
  /** Why the threshold cannot apply to this sample at all (a selector on a missing column), or null. */
  unusable(sample: Sample): string | null;
  /** The value as compared: a rate when normalized, a share for stacks. */
  value(sample: Sample, normalized: boolean): number;
  /** A value as the `why` sentence prints it, without its unit: `812`, `25.0%`. */
  show(value: number): string;
  /** What follows the values: ` us`, ` per second`, ` of samples with foo on the stack`, or ''. */
  suffix(normalized: boolean): string;
  /** Why the samples are too few to judge this change, or null. */
  tooFew(baseline: Sample, candidate: Sample, bound: ThresholdBound): string | null;
  /**
   * The test of "the candidate is the baseline changed by exactly the limit", or null when the unit has no
   * sample model (judged by the limit alone).
   */
  test(baseline: Sample, candidate: Sample, normalized: boolean, limit: LimitShift): NamedTest | null;
}

/** Minimum baseline count for counted measures: a relative change of fewer events is mostly noise. */
export const MIN_BASELINE_COUNT = 10;
