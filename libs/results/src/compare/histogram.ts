import type { HistogramResult } from '../../../contracts/src/index.js';
import { changeOf } from './change.js';
import { IncompatibleSamplesError } from './errors.js';
import { isNormalized, knownExposureMs, type Sample } from './sample.js';
import { mannWhitney, tieGroups } from './stats.js';
import type { HistogramComparison, HistogramSummary } from './types.js';

/** A histogram's summary with its mean and rate (values per traced second; null when the traced time is unknown). */
export function summarizeSide(result: HistogramResult, sample: Sample): HistogramSummary {
  const { count, sum, min, max, p50, p90, p99, p999 } = result;
  const exposure = knownExposureMs(sample);
  return {
    count,
    sum,
    min,
    max,
    mean: count > 0 ? sum / count : 0,
    p50,
    p90,
    p99,
    p999,
    ratePerSec: exposure === null ? null : (count * 1000) / exposure,
  };
}

/** Both histograms must be in one unit: a µs histogram against a ms one would compare nonsense. */
export function sameHistogramUnit(base: HistogramResult, target: HistogramResult): void {
  if (base.unit !== target.unit) throw new IncompatibleSamplesError(`cannot compare a histogram in ${base.unit} with one in ${target.unit}`);
}

/** Two histograms: summaries, percentile changes and the Mann–Whitney shift test over the buckets. */
export function compareHistograms(base: Sample & { result: HistogramResult }, target: Sample & { result: HistogramResult }): HistogramComparison {
  sameHistogramUnit(base.result, target.result);
  const b = summarizeSide(base.result, base);
  const t = summarizeSide(target.result, target);
  return {
    kind: 'histogram',
    unit: base.result.unit,
    normalized: isNormalized(base, target),
    base: b,
    target: t,
    percentiles: {
      p50: changeOf(b.p50, t.p50),
      p90: changeOf(b.p90, t.p90),
      p99: changeOf(b.p99, t.p99),
      p999: changeOf(b.p999, t.p999),
      max: changeOf(b.max, t.max),
    },
    shift: mannWhitney(tieGroups(base.result.buckets, target.result.buckets)),
  };
}
