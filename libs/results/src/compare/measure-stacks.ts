import type { StacksResult } from '../../../contracts/src/index.js';
import { formatShare } from './format.js';
import { sampleTotal, symbolCounts } from './functions.js';
import { MIN_BASELINE_COUNT, type Measure } from './measure.js';
import type { Sample } from './sample.js';
import { shareDifferenceTest, shareRatioTest } from './stats.js';

/** Samples a percentage-point limit needs in the baseline: below 100, one sample moves the share by over 1 pp. */
export const MIN_BASELINE_SAMPLES_FOR_POINTS = 100;

const stacksOf = (sample: Sample) => sample.result as StacksResult;

/** The symbol's samples (self or total) and the profile's samples. */
function counted(sample: Sample, share: 'total' | 'self', symbol: string): { hits: number; samples: number } {
  const stacks = stacksOf(sample).stacks;
  return { hits: symbolCounts(stacks, symbol)[share], samples: sampleTotal(stacks) };
}

/**
 * A symbol's share of a profile's samples. With samples or events (independent draws) a change beyond the
 * limit is tested on the shares (log ratio for relative limits, difference for percentage points); off-CPU
 * time (`us`) has no such model, so it is judged by the limit alone.
 */
export function stacksMeasure(share: 'total' | 'self', symbol: string, unit: StacksResult['unit']): Measure {
  const what = `${unit === 'us' ? 'off-CPU time' : unit}${share === 'total' ? ` with ${symbol} on the stack` : ` with ${symbol} innermost`}`;
  return {
    unit: '',
    unusable: () => null,
    value(sample) {
      const { hits, samples } = counted(sample, share, symbol);
      return samples > 0 ? hits / samples : 0;
    },
    show: formatShare,
    suffix: () => ` of ${what}`,
    tooFew(baseline, _candidate, bound) {
      if (unit === 'us') return null;
      const { hits, samples } = counted(baseline, share, symbol);
      if (bound.unit === 'pp') {
        if (samples >= MIN_BASELINE_SAMPLES_FOR_POINTS) return null;
        return `the baseline has only ${samples} ${unit}; a percentage-point limit is judged from ${MIN_BASELINE_SAMPLES_FOR_POINTS} up`;
      }
      return hits < MIN_BASELINE_COUNT ? `the baseline has only ${hits} ${what}; a relative limit is judged from ${MIN_BASELINE_COUNT} up` : null;
    },
    test(baseline, candidate, _normalized, limit) {
      if (unit === 'us') return null;
      const b = counted(baseline, share, symbol);
      const c = counted(candidate, share, symbol);
      return 'ratio' in limit
        ? { name: 'share ratio test', ...shareRatioTest(b.hits, b.samples, c.hits, c.samples, limit.ratio) }
        : { name: 'share difference test', ...shareDifferenceTest(b.hits, b.samples, c.hits, c.samples, limit.difference) };
    },
  };
}
