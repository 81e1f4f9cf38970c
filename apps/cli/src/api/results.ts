/**
 * The result kinds as GET /v1/runs/:id/result sends them: the fields the CLI renders. The API's schema
 * only promises `kind`, and this package builds alone (it cannot import the repository's libs/contracts),
 * so results.spec.ts checks at type-check time that every libs/contracts result is one of these.
 */
import { CliError } from '../errors.js';

/** A table of events; `columns` says the order and type of each row's fields. */
export interface EventsResult {
  kind: 'events';
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
  total: number;
  dropped: number;
  note?: string;
}

/** Rows keyed by the `keys` columns, with a `count` and maybe more value columns; `total` is their sum. */
export interface CountsResult {
  kind: 'counts';
  keys: string[];
  rows: Record<string, unknown>[];
  total: number;
  note?: string;
}

/** A log-linear histogram in `unit`; buckets are [lo, hi) with their count. */
export interface HistogramResult {
  kind: 'histogram';
  unit: string;
  buckets: { lo: number; hi: number; count: number }[];
  count: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
  by?: string;
  groups?: { key: number | string; comm?: string; histogram: HistogramResult }[];
  note?: string;
}

/** One frame; `module` is `[kernel]` (or `[modname]`) for kernel frames. */
export interface StackFrame {
  symbol: string;
  module?: string;
  offset?: number;
}

/** Stacks with their count in `unit`, sorted by count descending, frames innermost first. */
export interface StacksResult {
  kind: 'stacks';
  unit: string;
  stacks: { frames: StackFrame[]; pid?: number; comm?: string; count: number }[];
  total: number;
  note?: string;
}

export type ToolResult = EventsResult | CountsResult | HistogramResult | StacksResult;

const KINDS: ReadonlySet<unknown> = new Set<ToolResult['kind']>(['events', 'counts', 'histogram', 'stacks']);

/** The body of GET /v1/runs/:id/result as a {@link ToolResult}; a kind this CLI does not know is an error saying so. */
export function asToolResult(body: { kind: string }): ToolResult {
  if (!KINDS.has(body.kind)) throw new CliError(`the API sent a result of kind "${body.kind}", which this bpfleet CLI does not know: update it`);
  return body as ToolResult;
}
