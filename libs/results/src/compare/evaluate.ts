import type { ToolResult } from '../../../contracts/src/index.js';
import { IncompatibleSamplesError } from './errors.js';
import { formatNumber, formatP } from './format.js';
import { sameHistogramUnit } from './histogram.js';
import type { LimitShift, Measure } from './measure.js';
import { countsMeasure } from './measure-counts.js';
import { histogramMeasure } from './measure-histogram.js';
import { stacksMeasure } from './measure-stacks.js';
import { isNormalized, type Sample } from './sample.js';
import { sameStacksUnit } from './stacks.js';
import { ALPHA } from './stats.js';
import { NS_PER, isTimeUnit, type Threshold, type ThresholdBound, type TimeUnit } from './thresholds.js';

/** One threshold judged. */
export interface ThresholdResult {
  name: string;
  limit: string;
  /** The measure on the baseline (a rate when normalized, a share for stacks); null without a baseline. */
  baseline: number | null;
  candidate: number;
  /**
   * The change in the limit's terms: percent for `%`, percentage points for `pp`, otherwise candidate −
   * baseline in the histogram's unit. Null when it cannot be formed (no baseline, relative change from 0).
   */
  change: number | null;
  /** false: significantly beyond the limit; null: cannot be judged (inconclusive); true: within the limit. */
  pass: boolean | null;
  /** One sentence with the numbers. */
  why: string;
  /** The p-value of the test that the change is beyond the limit (run only when it is over); else null. */
  pValue: number | null;
}

export interface CheckEvaluation {
  verdict: 'pass' | 'fail' | 'inconclusive';
  thresholds: ThresholdResult[];
}

/**
 * A candidate judged against a baseline. A threshold fails when its measure moved beyond the limit in the
 * limit's direction and a test of "changed by exactly the limit" rejects in that direction (p < ALPHA), so
 * the change is significantly beyond the limit, not merely different from 0; it passes when within the limit;
 * it is inconclusive (null) without a baseline, with too few samples, when the change over the limit is not
 * significantly beyond it, or when the change cannot be formed. Verdict: fail if any fails, else
 * inconclusive if any is inconclusive or there is none, else pass. Identical samples always pass or are
 * inconclusive: their change is 0.
 *
 * @throws IncompatibleSamplesError when the samples' kinds or units differ, or a threshold is for another kind.
 */
export function evaluateThresholds(baseline: Sample | null, candidate: Sample, thresholds: Threshold[]): CheckEvaluation {
  if (baseline) sameKindAndUnit(baseline.result, candidate.result);
  const results = thresholds.map((threshold) => judge(threshold, measureFor(threshold, candidate.result), baseline, candidate));
  const verdict = results.some((r) => r.pass === false) ? 'fail' : results.length === 0 || results.some((r) => r.pass === null) ? 'inconclusive' : 'pass';
  return { verdict, thresholds: results };
}

function sameKindAndUnit(baseline: ToolResult, candidate: ToolResult): void {
  if (baseline.kind !== candidate.kind) throw new IncompatibleSamplesError(`cannot judge a ${candidate.kind} result against a ${baseline.kind} baseline`);
  if (baseline.kind === 'histogram' && candidate.kind === 'histogram') sameHistogramUnit(baseline, candidate);
  if (baseline.kind === 'stacks' && candidate.kind === 'stacks') sameStacksUnit(baseline, candidate);
}

function measureFor({ name, metric }: Threshold, result: ToolResult): Measure {
  if (metric.kind === 'histogram' && result.kind === 'histogram') return histogramMeasure(metric.stat, result.unit);
  if (metric.kind === 'stacks' && result.kind === 'stacks') return stacksMeasure(metric.share, metric.symbol, result.unit);
  if ((metric.kind === 'counts' || metric.kind === 'events') && metric.kind === result.kind) return countsMeasure(metric.match);
  throw new IncompatibleSamplesError(`threshold ${name} is for ${metric.kind} results, not ${result.kind}`);
}

function judge(threshold: Threshold, measure: Measure, baseline: Sample | null, candidate: Sample): ThresholdResult {
  const { name, limit, bound } = threshold;
  const normalized = baseline !== null && isNormalized(baseline, candidate);
  const candidateValue = measure.value(candidate, normalized);
  const row = { name, limit, baseline: null, candidate: candidateValue, change: null, pValue: null };
  const inconclusive = (why: string, more: Partial<ThresholdResult> = {}): ThresholdResult => ({ ...row, ...more, pass: null, why });
  const unusable = measure.unusable(candidate) ?? (baseline && measure.unusable(baseline));
  if (unusable) return inconclusive(`${name}: ${unusable}`);
  if (isTimeUnit(bound.unit) && !isTimeUnit(measure.unit)) {
    return inconclusive(`${name} cannot be judged against ${limit}: it is a time, but the values are in ${measure.unit || 'counts'}`);
  }
  if (!baseline) return inconclusive(`no baseline to compare with; ${name} is ${measure.show(candidateValue)}${measure.suffix(false)} in the candidate`);
  const baselineValue = measure.value(baseline, normalized);
  const values = { baseline: baselineValue };
  const tooFew = measure.tooFew(baseline, candidate, bound);
  if (tooFew) return inconclusive(`${name} cannot be judged: ${tooFew}`, values);
  const change = changeIn(bound, baselineValue, candidateValue, measure.unit);
  if (typeof change === 'string') return inconclusive(`${name} cannot be judged against ${limit}: ${change}`, values);
  const { amount, allowed, shift } = change;
  const moved = `${name} ${movement(amount, bound, measure.unit)} (${measure.show(baselineValue)} → ${measure.show(candidateValue)}${measure.suffix(normalized)})`;
  const judged = { ...values, change: amount };
  const over = bound.direction === 'increase' ? amount > allowed : amount < -allowed;
  if (!over) return { ...row, ...judged, pass: true, why: `${moved}, within the ${limit} limit` };
  const test = measure.test(baseline, candidate, normalized, shift);
  if (!test) return { ...row, ...judged, pass: false, why: `${moved}, over the ${limit} limit; judged by the limit alone (no sample model for this unit)` };
  const tested = { ...judged, pValue: test.pValue };
  const towards = Math.sign(test.z) === (bound.direction === 'increase' ? 1 : -1);
  if (test.pValue < ALPHA && towards) return { ...row, ...tested, pass: false, why: `${moved}, over the ${limit} limit; ${test.name} ${formatP(test.pValue)}` };
  const against = test.z !== 0 && !towards ? ', pointing back within the limit' : `, needs < ${ALPHA}`;
  const doubt = `${test.name} ${formatP(test.pValue)}${against}`;
  return inconclusive(`${moved}, over the ${limit} limit, but not significantly beyond it (${doubt})`, tested);
}

/**
 * The change in the bound's terms, the bound in the same terms, and the limit as a change of the measure;
 * or why there is none (a relative change from 0).
 */
function changeIn(bound: ThresholdBound, base: number, candidate: number, unit: string): { amount: number; allowed: number; shift: LimitShift } | string {
  const sign = bound.direction === 'increase' ? 1 : -1;
  switch (bound.unit) {
    case '%': {
      const shift = { ratio: 1 + (sign * bound.amount) / 100 };
      if (base === 0) return candidate === 0 ? { amount: 0, allowed: bound.amount, shift } : 'the baseline is 0, so a relative change is undefined';
      return { amount: ((candidate - base) / base) * 100, allowed: bound.amount, shift };
    }
    case 'pp':
      return { amount: (candidate - base) * 100, allowed: bound.amount, shift: { difference: (sign * bound.amount) / 100 } };
    case 'own':
      return { amount: candidate - base, allowed: bound.amount, shift: { difference: sign * bound.amount } };
    default: {
      // judge() has made sure the values are times too.
      const allowed = (bound.amount * NS_PER[bound.unit]) / NS_PER[unit as TimeUnit];
      return { amount: candidate - base, allowed, shift: { difference: sign * allowed } };
    }
  }
}

/** `rose 24.1%`, `fell 3 pp`, `rose 196 us`, `did not change`. */
function movement(amount: number, bound: ThresholdBound, unit: string): string {
  if (amount === 0) return 'did not change';
  const size = Math.abs(amount);
  const text = bound.unit === '%' ? `${size.toFixed(1)}%` : bound.unit === 'pp' ? `${size.toFixed(1)} pp` : `${formatNumber(size)}${unit ? ` ${unit}` : ''}`;
  return `${amount > 0 ? 'rose' : 'fell'} ${text}`;
}
