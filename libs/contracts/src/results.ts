/** The result kinds of DESIGN.md: one model so that storage, export and comparison stay generic. */

/** `array`: a list of numbers and strings (trace's `args`: each value as its type shows it). */
export type ColumnType = 'string' | 'int' | 'float' | 'timestamp' | 'string[]' | 'bool' | 'array';

/** What every result kind may carry. */
interface ResultCommon {
  /**
   * Why the result is empty or partial on this host, in words (e.g. "this host exposes no CPU frequency
   * information"): a run that could observe nothing still succeeds, and says so here.
   */
  note?: string;
}

export interface EventsResult extends ResultCommon {
  kind: 'events';
  columns: { name: string; type: ColumnType }[];
  rows: Record<string, unknown>[];
  total: number;
  dropped: number;
}

export interface CountsResult extends ResultCommon {
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

export interface HistogramResult extends ResultCommon {
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

/**
 * One frame of a stack, innermost first. `module` is the binary or library path, `[kernel]` for kernel
 * frames (or the kernel module's name in brackets); a frame whose symbol cannot be named keeps its module
 * and `offset` (the file offset in the module, or the address for the kernel), never a bare hex number.
 */
export interface StackFrame {
  symbol: string;
  module?: string;
  offset?: number;
}

export interface StacksResult extends ResultCommon {
  kind: 'stacks';
  /** `samples` (profile), `us` (offcputime: time blocked), `events` (stackcount). */
  unit: 'samples' | 'us' | 'events';
  /** Sorted by count descending. Frames innermost first: kernel frames, then user frames. */
  stacks: { frames: StackFrame[]; pid?: number; tid?: number; comm?: string; count: number }[];
  total: number;
}

export type ToolResult = EventsResult | CountsResult | HistogramResult | StacksResult;
export type ResultKind = ToolResult['kind'];

/**
 * Why a run's trace window ended before its duration: it spent its event budget (`maxEvents`: that many rows
 * received; `maxEventsPerSec`: the kernel dropped events over the per-second bound), or the API asked it to
 * end (`stop`, `cancel`: the RunEnding). Absent when the run traced its whole duration.
 */
export const STOP_REASONS = ['maxEvents', 'maxEventsPerSec', 'stop', 'cancel'] as const;
export type StopReason = (typeof STOP_REASONS)[number];

/** Per-run counters the agent reports beside the result. */
export interface RunStats {
  /** Events the kernel produced but could not hand over (ring buffer full, rate bound). */
  lostEvents?: number;
  /** Milliseconds to open and load the BPF object (part of attachMs). */
  loadMs?: number;
  /** Milliseconds from the start of the run to all probes attached. */
  attachMs?: number;
  /** Wall-clock milliseconds the probes were attached. */
  tracedMs?: number;
  /** Stack tools: milliseconds spent symbolizing, and the distinct stacks symbolized. */
  symbolizeMs?: number;
  uniqueStacks?: number;
  stopReason?: StopReason;
  [name: string]: number | string | undefined;
}
