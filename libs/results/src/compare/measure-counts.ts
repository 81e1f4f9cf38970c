import type { CountsResult, EventsResult } from '../../../contracts/src/index.js';
import { formatNumber } from './format.js';
import { rowCount, rowMatches } from './keyed.js';
import { MIN_BASELINE_COUNT, ratioOf, type Measure } from './measure.js';
import { asCompared, exposureMs, type Sample } from './sample.js';
import { poissonRateTest } from './stats.js';

/** The columns a selector may use: a counts result's keys, an events result's columns. */
const selectable = (result: CountsResult | EventsResult): string[] => (result.kind === 'counts' ? result.keys : result.columns.map((c) => c.name));

/** The raw count a threshold measures: the total, or the selected rows (their `count`, or how many for events). */
function rawCount(sample: Sample, match: Record<string, string> | null): number {
  const result = sample.result as CountsResult | EventsResult;
  if (match === null) return result.total;
  const rows = result.rows.filter((row) => rowMatches(row, match));
  return result.kind === 'counts' ? rows.reduce((sum, row) => sum + rowCount(row), 0) : rows.length;
}

/**
 * A count of a counts or events result: the total or the rows a selector picks. Judged from a baseline of
 * 10 events up, with the Poisson rate test of "the candidate's rate is the limit's ratio times the
 * baseline's" (exposures: the traced times when normalized, equal otherwise, since then the totals of the
 * same work are compared). Counts take relative limits only.
 */
export function countsMeasure(match: Record<string, string> | null): Measure {
  return {
    unit: '',
    unusable(sample) {
      const columns = selectable(sample.result as CountsResult | EventsResult);
      const missing = Object.keys(match ?? {}).find((column) => !columns.includes(column));
      return missing === undefined ? null : `this result has no column ${JSON.stringify(missing)} to select on; it has ${columns.join(', ') || 'none'}`;
    },
    value: (sample, normalized) => asCompared(rawCount(sample, match), sample, normalized),
    show: formatNumber,
    suffix: (normalized) => (normalized ? ' per second' : ''),
    tooFew(baseline) {
      const b = rawCount(baseline, match);
      return b < MIN_BASELINE_COUNT ? `the baseline counted only ${b}; a change is judged from ${MIN_BASELINE_COUNT} up` : null;
    },
    test(baseline, candidate, normalized, limit) {
      const [eb, ec] = normalized ? [exposureMs(baseline), exposureMs(candidate)] : [1, 1];
      return { name: 'Poisson rate test', ...poissonRateTest(rawCount(baseline, match), eb, rawCount(candidate, match), ec, ratioOf(limit)) };
    },
  };
}
