import type { Check } from '../api/types.js';
import { describeBaseline, thresholdRow } from './outcome.js';

const VERDICT_MARK = { pass: '✅', fail: '❌', inconclusive: '⚠️' } as const;

/**
 * A finished check as GitHub-flavoured Markdown (a job summary, a PR comment): the verdict, what was
 * compared, and a table of the thresholds with limit, baseline, candidate, change, result and why.
 * A `|` in a cell is escaped and a line break becomes a space, so every row stays one table row.
 * Ends with a blank line, so that summaries appended one after another stay apart.
 */
export function checkMarkdown(check: Check): string {
  const verdict = check.verdict ?? 'inconclusive';
  const row = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [
    `### ${VERDICT_MARK[verdict]} bpfleet check \`${check.tool}\`: ${verdict}`,
    '',
    `Baseline: ${describeBaseline(check)}. Candidate: job ${check.candidateJobId}. Check ${check.id}.`,
    '',
    row(['threshold', 'limit', 'baseline', 'candidate', 'change', 'result', 'why']),
    '| :-- | :-- | --: | --: | --: | :-- | :-- |',
    ...check.thresholds.map(thresholdRow).map((t) =>
      row([code(t.name), t.limit, t.baseline, t.candidate, t.change, `${VERDICT_MARK[t.result]} ${t.result}`, t.why]),
    ),
    '',
  ].join('\n');
}

const escapeCell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** Inline code, unless the text holds a backtick itself (then as is, rather than a broken span). */
const code = (text: string): string => (text.includes('`') ? text : `\`${text}\``);
