/** The JSON shapes of a comparison, as the API returns them. */
import type { ShiftTest } from './stats.js';

/** One figure on both sides. `ratio` = target / base, null when base is 0. */
export interface Change {
  base: number;
  target: number;
  delta: number;
  ratio: number | null;
}

/** A histogram side in its unit. Empty: every figure 0 (as HistogramResult has it). */
export interface HistogramSummary {
  count: number;
  sum: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  /** Values per traced second; null when the traced time is unknown. */
  ratePerSec: number | null;
}

export interface HistogramComparison {
  kind: 'histogram';
  unit: string;
  /** The requested durations differ: count-like figures (thresholds on `count`) are compared per second. */
  normalized: boolean;
  base: HistogramSummary;
  target: HistogramSummary;
  percentiles: Record<'p50' | 'p90' | 'p99' | 'p999' | 'max', Change>;
  /** Null when a side has no values. */
  shift: ShiftTest | null;
}

/** One key of a counts (or events-by-column) comparison: its key columns plus the change of its count. */
export type CountsRow = Record<string, unknown> &
  Change & {
    /** `appeared`: 0 in the base; `vanished`: 0 in the target; `same`: equal values as compared. */
    change: 'appeared' | 'vanished' | 'changed' | 'same';
  };

export interface CountsComparison {
  kind: 'counts' | 'events';
  /** The columns keying `rows`: the counts' keys, or `[by]`; `[]` for events without `by`. */
  keys: string[];
  /** `count` / `events`, or `count_per_sec` / `events_per_sec` when normalized. */
  unit: string;
  normalized: boolean;
  total: Change;
  /** Sorted by |delta| descending, then by key. */
  rows: CountsRow[];
  /** The key columns of each key present only in the target / only in the base. */
  appeared: Record<string, unknown>[];
  vanished: Record<string, unknown>[];
}

/** A function's samples on one side; shares are fractions in [0, 1] of the side's total. */
export interface FunctionSide {
  /** Samples whose innermost frame is the function. */
  self: number;
  /** Samples with the function anywhere on the stack, once per stack even when recursive. */
  total: number;
  selfShare: number;
  totalShare: number;
}

export interface FunctionChange {
  /** The symbol (`[unknown]` for unnamed code of a module). */
  function: string;
  /** The binary or library, `[kernel]` or `[module]` for kernel code; null when unknown. */
  module: string | null;
  base: FunctionSide;
  target: FunctionSide;
  /** target − base, figure by figure. */
  delta: FunctionSide;
}

export interface StacksComparison {
  kind: 'stacks';
  /** The stacks' unit (`samples`, `us`, `events`), `<unit>_per_sec` when normalized. */
  unit: string;
  normalized: boolean;
  base: { total: number };
  target: { total: number };
  /** Top regressed first: delta.selfShare descending, then delta.totalShare descending. */
  functions: FunctionChange[];
  /** Functions left out of `functions` (those with the smallest share changes). */
  omitted: number;
}

export type Comparison = HistogramComparison | CountsComparison | StacksComparison;
