import type { Check, CheckVerdict, ThresholdOutcome } from '../api/types.js';
import { ExitCode } from '../errors.js';
import { formatDelta, formatNumber, formatShare } from '../render/format.js';

/** The exit code of `bpfleet check` for a verdict: pass 0, fail 1, inconclusive 2. */
export const verdictExitCode = (verdict: CheckVerdict): number =>
  ({ pass: ExitCode.Ok, fail: ExitCode.Fail, inconclusive: ExitCode.Inconclusive })[verdict];

/** A threshold's result in one word: `pass`, `fail`, or `inconclusive` when it could not be judged. */
export const thresholdResult = (outcome: ThresholdOutcome): CheckVerdict =>
  outcome.pass === null ? 'inconclusive' : outcome.pass ? 'pass' : 'fail';

/**
 * A threshold's baseline or candidate value as text: stack thresholds (`function:`, `self:`) judge a share
 * of samples, shown as a percentage; the others a value in the result's unit. Empty when unknown.
 */
export function formatValue(outcome: ThresholdOutcome, value: number | null): string {
  if (value === null) return '';
  return /^(function|self):/.test(outcome.name) ? formatShare(value) : formatNumber(value);
}

/**
 * A threshold's change as text, in the terms of its limit, as the API gives it: percent for a `%` limit
 * (24.1 → `+24.1%`), percentage points for a `pp` limit (`+3.2pp`), candidate − baseline in the result's
 * unit otherwise (`+2,000`). Empty when unknown.
 */
export function formatThresholdChange(outcome: ThresholdOutcome): string {
  if (outcome.change === null) return '';
  const amount = formatDelta(Math.round(outcome.change * 10) / 10);
  if (outcome.limit.endsWith('%')) return `${amount}%`;
  if (outcome.limit.endsWith('pp')) return `${amount}pp`;
  return formatDelta(outcome.change);
}

/** One threshold as the Markdown summary, the JUnit report and the terminal table show it. */
export interface ThresholdRow {
  name: string;
  limit: string;
  baseline: string;
  candidate: string;
  change: string;
  result: CheckVerdict;
  why: string;
}

export function thresholdRow(outcome: ThresholdOutcome): ThresholdRow {
  return {
    name: outcome.name,
    limit: outcome.limit,
    baseline: formatValue(outcome, outcome.baseline),
    candidate: formatValue(outcome, outcome.candidate),
    change: formatThresholdChange(outcome),
    result: thresholdResult(outcome),
    why: outcome.why,
  };
}

/** What the baseline was: `tag main (job …)`, `job …`, or that no job matched the tag. */
export function describeBaseline(check: Check): string {
  const asked = check.baseline.tag !== undefined ? `tag ${check.baseline.tag}` : `job ${check.baseline.jobId}`;
  if (check.baseline.tag === undefined) return asked;
  return check.baselineJobId ? `${asked} (job ${check.baselineJobId})` : `${asked} (no job matched)`;
}
