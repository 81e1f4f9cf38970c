/** The result kinds of DESIGN.md: one model so that storage, export and comparison stay generic. */

export type ColumnType = 'string' | 'int' | 'float' | 'timestamp' | 'string[]';

export interface EventsResult {
  kind: 'events';
  columns: { name: string; type: ColumnType }[];
  rows: Record<string, unknown>[];
  total: number;
  dropped: number;
}

export interface CountsResult {
  kind: 'counts';
  keys: string[];
  rows: Record<string, unknown>[];
  total: number;
}

export interface HistogramBucket {
  lo: number;
  hi: number;
  count: number;
}

export interface HistogramResult {
  kind: 'histogram';
  unit: string;
  buckets: HistogramBucket[];
  count: number;
  sum: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  /** With a breakdown: what each group is keyed by (`pid`, `cpu`, …) and one histogram per key. */
  by?: string;
  groups?: HistogramGroup[];
}

/** One histogram of a per-key breakdown, e.g. per process or per CPU. */
export interface HistogramGroup {
  key: number | string;
  /** Per process: its comm when first seen. */
  comm?: string;
  histogram: HistogramResult;
}

export interface StackFrame {
  symbol: string;
  module?: string;
  offset?: number;
}

export interface StacksResult {
  kind: 'stacks';
  unit: 'samples' | 'us';
  stacks: { frames: StackFrame[]; pid?: number; comm?: string; count: number }[];
  total: number;
}

export type ToolResult = EventsResult | CountsResult | HistogramResult | StacksResult;
export type ResultKind = ToolResult['kind'];

/** Per-run counters the agent reports beside the result. */
export interface RunStats {
  /** Events the kernel produced but could not hand over (ring buffer full, rate bound). */
  lostEvents?: number;
  /** Milliseconds from the start of the run to all probes attached. */
  attachMs?: number;
  /** Wall-clock milliseconds the probes were attached. */
  tracedMs?: number;
  [name: string]: number | undefined;
}
