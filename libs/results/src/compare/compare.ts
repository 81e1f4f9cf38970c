import type { CountsResult, EventsResult, HistogramResult, StacksResult } from '../../../contracts/src/index.js';
import { compareCounts, compareEvents } from './counts.js';
import { IncompatibleSamplesError, UnknownColumnError } from './errors.js';
import { compareHistograms } from './histogram.js';
import type { Sample } from './sample.js';
import { DEFAULT_MAX_FUNCTIONS, compareStacks } from './stacks.js';
import type { Comparison } from './types.js';

export interface CompareOptions {
  /** Events: compare counts of events by this column. Counts: regroup by this one key column. */
  by?: string;
  /** Stacks: how many functions to list (default 200); the rest are counted in `omitted`. */
  maxFunctions?: number;
}

/**
 * Two samples of the same tool, by kind (see the Comparison types). Count-like figures are per traced
 * second when the requested durations differ (`normalized`), raw otherwise.
 *
 * @throws IncompatibleSamplesError when the kinds, units or count keys differ.
 * @throws UnknownColumnError when `by` names no column (or the kind has none).
 */
export function compareSamples(base: Sample, target: Sample, options: CompareOptions = {}): Comparison {
  const b = base.result;
  const t = target.result;
  if (b.kind !== t.kind) throw new IncompatibleSamplesError(`cannot compare a ${b.kind} result with a ${t.kind} result`);
  if (options.by !== undefined && (b.kind === 'histogram' || b.kind === 'stacks')) throw new UnknownColumnError(options.by, [], b.kind);
  switch (b.kind) {
    case 'histogram':
      return compareHistograms({ ...base, result: b }, { ...target, result: t as HistogramResult });
    case 'counts':
      return compareCounts({ ...base, result: b }, { ...target, result: t as CountsResult }, options.by);
    case 'events':
      return compareEvents({ ...base, result: b }, { ...target, result: t as EventsResult }, options.by);
    case 'stacks':
      return compareStacks({ ...base, result: b }, { ...target, result: t as StacksResult }, options.maxFunctions ?? DEFAULT_MAX_FUNCTIONS);
  }
}
