import type { Check } from '../api/types.js';
import { renderTable } from '../render/table.js';
import { describeBaseline, thresholdRow } from './outcome.js';

/** A finished check for a terminal: the verdict, what was compared, and the thresholds as a table. */
export function renderCheck(check: Check): string {
  return [
    `check ${check.id}: ${check.verdict ?? check.status}`,
    `baseline: ${describeBaseline(check)}; candidate: job ${check.candidateJobId}`,
    renderTable(
      ['threshold', 'limit', 'baseline', 'candidate', 'change', 'result', 'why'].map((title, i) => ({ title, align: i >= 2 && i <= 4 ? 'right' : 'left' })),
      check.thresholds.map(thresholdRow).map((t) => [t.name, t.limit, t.baseline, t.candidate, t.change, t.result, t.why]),
    ),
  ].join('\n');
}
