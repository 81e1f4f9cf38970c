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
  /**
   * Streamed rows: the run sent its `total` rows in this many chunk messages (ChunkMessage) while it ran, and
   * `rows` here is empty. Absent when the rows are in `rows` (agents from before streaming, tools run outside one).
   */
  chunks?: number;
}

export interface CountsResult extends ResultCommon, SeriesCommon {
  kind: 'counts';
  keys: string[];
  rows: Record<string, unknown>[];
  total: number;
  /** With `intervalSec`: one entry per interval, in time order; summed they are `rows` and `total` exactly. */
  series?: CountsInterval[];
}

/**
 * What a result split into intervals (`intervalSec`) carries beside its `series`. The whole-window fields of
 * the result are the sum of the series (docs/tools.md, "Time series").
 */
interface SeriesCommon {
  /** The interval length asked for, in seconds (the last interval is shorter when the run ends between two). */
  intervalSec?: number;
}

/** One interval of a counts result: the rows whose counts changed in it, with their increases only. */
export interface CountsInterval {
  /** ISO 8601 wall-clock start of the interval (the first: when the probes were attached). */
  at: string;
  /** The result's key columns and each numeric column's increase in this interval, sorted by count descending. */
  rows: Record<string, unknown>[];
  total: number;
}

export interface HistogramBucket {
  lo: number;
  hi: number;
  count: number;
}

export interface HistogramResult extends ResultCommon, SeriesCommon {
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
  /**
   * With `intervalSec`: the whole histogram (not its groups) per interval, in time order; summed bucket by
   * bucket they are `buckets` exactly (and their counts `count`): a latency heatmap's columns.
   */
  series?: HistogramInterval[];
}

/**
 * One interval of a histogram result: its buckets, and the summary those give. No min and max: an
 * interval's are not known exactly (the kernel keeps them for the whole run), only within its buckets.
 */
export interface HistogramInterval {
  /** ISO 8601 wall-clock start of the interval (the first: when the probes were attached). */
  at: string;
  buckets: HistogramBucket[];
  count: number;
  /** Exact, as the whole result's (to floating-point rounding when the unit divides the measured one). */
  sum: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
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
  /**
   * Milliseconds the probes stayed attached beyond the run's window (`tracedMs` − durationSec × 1000), present only
   * when the agent stalled (stopped, frozen) past its window: the result covers more time than asked, compare rates.
   */
  overrunMs?: number;
  /** Stack tools: milliseconds spent symbolizing, and the distinct stacks symbolized. */
  symbolizeMs?: number;
  uniqueStacks?: number;
  stopReason?: StopReason;
  [name: string]: number | string | undefined;
}
