import type { HistogramResult } from '../../../contracts/src/index.js';
import { formatNumber } from './format.js';
import { MIN_BASELINE_COUNT, ratioOf, type Measure } from './measure.js';
import { asCompared, exposureMs, type Sample } from './sample.js';
import { mannWhitney, movedTieGroups, poissonRateTest, quantileTest } from './stats.js';
import type { HistogramStat } from './thresholds.js';

const histogramIn = (sample: Sample) => sample.result as HistogramResult;

const QUANTILE = { p50: 0.5, p90: 0.9, p99: 0.99, p999: 0.999 } as const;

/**
 * Values each side needs before a statistic is judged: max(20, 1/(1 − q)) for a percentile q (below
 * 1/(1 − q) values the percentile is the maximum itself), 20 for the mean and the max.
 */
export const MIN_VALUES: Readonly<Record<Exclude<HistogramStat, 'count'>, number>> = { p50: 20, p90: 20, p99: 100, p999: 1000, max: 20, mean: 20 };

/**
 * A histogram statistic. Its test compares the candidate with the baseline moved by the limit (every value
 * scaled or shifted): percentiles with the quantile test at their q (a tail regression moves few values,
 * which a test of the whole distribution would miss), mean and max with Mann–Whitney (the max is one value:
 * only the whole distribution moving backs it), count with the Poisson rate test at the limit's ratio.
 */
export function histogramMeasure(stat: HistogramStat, unit: string): Measure {
  const count = stat === 'count';
  return {
    unit: count ? '' : unit,
    unusable: () => null,
    value(sample, normalized) {
      const h = histogramIn(sample);
      if (stat === 'count') return asCompared(h.count, sample, normalized);
      if (stat === 'mean') return h.count > 0 ? h.sum / h.count : 0;
      return h[stat];
    },
    show: formatNumber,
    suffix: (normalized) => (count ? (normalized ? ' per second' : '') : ` ${unit}`),
    tooFew(baseline, candidate) {
      const [b, c] = [histogramIn(baseline).count, histogramIn(candidate).count];
      if (stat === 'count') {
        return b < MIN_BASELINE_COUNT ? `the baseline has only ${b} values; a count is judged from ${MIN_BASELINE_COUNT} up` : null;
      }
      const need = MIN_VALUES[stat];
      return b < need || c < need ? `${stat} needs at least ${need} values on each side; the baseline has ${b} and the candidate ${c}` : null;
    },
    test(baseline, candidate, normalized, limit) {
      const [b, c] = [histogramIn(baseline), histogramIn(candidate)];
      if (stat === 'count') {
        const [eb, ec] = normalized ? [exposureMs(baseline), exposureMs(candidate)] : [1, 1];
        return { name: 'Poisson rate test', ...poissonRateTest(b.count, eb, c.count, ec, ratioOf(limit)) };
      }
      const move = 'ratio' in limit ? (v: number) => v * limit.ratio : (v: number) => v + limit.difference;
      const groups = movedTieGroups(b.buckets, c.buckets, move);
      if (stat === 'max' || stat === 'mean') {
        const shift = mannWhitney(groups)!;
        return { name: 'Mann–Whitney', z: shift.z, pValue: shift.pValue };
      }
      return { name: `quantile test at ${stat}`, ...quantileTest(groups, QUANTILE[stat]) };
    },
  };
}
