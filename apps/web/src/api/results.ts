/**
 * The result kinds as GET /v1/runs/:id/result returns them: libs/contracts' types (the API's spec only
 * promises `kind`), plus the `series` of interval snapshots that "Results at scale" adds to aggregate tools.
 */
import type { HistogramBucket, HistogramResult, ToolResult as StoredResult } from '../../../../libs/contracts/src/results.js';

export type { CountsResult, EventsResult, HistogramBucket, HistogramResult, StacksResult } from '../../../../libs/contracts/src/results.js';

/**
 * One interval of a histogram's time series: `at` is when the interval starts (ISO timestamp, or epoch
 * milliseconds), `buckets` what it saw (jobs with `intervalSec`); the heatmap draws it when present.
 */
export interface HistogramSnapshot {
  at: string | number;
  buckets: HistogramBucket[];
}

export type HistogramWithSeries = HistogramResult & { series?: HistogramSnapshot[]; intervalSec?: number };
export type ToolResult = Exclude<StoredResult, HistogramResult> | HistogramWithSeries;

const KINDS: ReadonlySet<unknown> = new Set(['events', 'counts', 'histogram', 'stacks']);

/**
 * The API's schema promises only `kind`: this narrows an answer to the kinds the UI draws, or throws saying
 * the UI is older than the API.
 */
export function asToolResult(value: unknown): ToolResult {
  const kind = typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
  if (!isToolResult(value)) throw new Error(`a result of kind ${JSON.stringify(kind)}, which this UI does not know: update the UI`);
  return value;
}

const isToolResult = (value: unknown): value is ToolResult =>
  typeof value === 'object' && value !== null && KINDS.has((value as { kind?: unknown }).kind);
