import type { ToolResult } from '../../../contracts/src/index.js';
import { IncompatibleSamplesError } from './errors.js';

/** One side of a comparison: a run's result, or a job's runs merged (mergeSamples). */
export interface Sample {
  result: ToolResult;
  /** Milliseconds the probes were attached, summed over the runs; 0 when the agent reported none. */
  tracedMs: number;
  /** The requested trace window in seconds (equal for every run of a job). */
  durationSec: number;
  /** How many runs the sample merges. */
  runs: number;
  /** Milliseconds some run traced past its window (its agent stalled: RunStats.overrunMs), summed; 0 or absent when none. */
  overrunMs?: number;
}

/**
 * Whether count-like figures are compared per traced second: when the requested windows differ, or when a side
 * traced longer than it asked (an agent stalled and overran: its totals cover more time than the other's).
 * Otherwise totals: a check that traces a workload command end to end (stopped when it exits) must compare the
 * totals of the same work, and a slower candidate would otherwise look like a lower rate.
 */
export const isNormalized = (base: Sample, target: Sample): boolean =>
  base.durationSec !== target.durationSec || (base.overrunMs ?? 0) > 0 || (target.overrunMs ?? 0) > 0;

/**
 * Milliseconds of tracing behind a sample: its traced time, or the requested duration × runs when the
 * agent reported none; null when neither is known.
 */
export function knownExposureMs(sample: Sample): number | null {
  const ms = sample.tracedMs > 0 ? sample.tracedMs : sample.durationSec * 1000 * sample.runs;
  return ms > 0 ? ms : null;
}

/** knownExposureMs, for figures that cannot do without it. @throws IncompatibleSamplesError when unknown. */
export function exposureMs(sample: Sample): number {
  const ms = knownExposureMs(sample);
  if (ms === null) throw new IncompatibleSamplesError('a sample has no traced time, so its counts cannot be turned into rates');
  return ms;
}

/** A count per traced second. Multiplying first keeps equal rates bit-identical (500 in 10 s = 1000 in 20 s). */
export const perSecond = (value: number, sample: Sample): number => (value * 1000) / exposureMs(sample);

/** A count as compared: per traced second when normalized, else as is. */
export const asCompared = (value: number, sample: Sample, normalized: boolean): number => (normalized ? perSecond(value, sample) : value);

/** The unit of a count-like figure: `<unit>_per_sec` when normalized. */
export const comparedUnit = (unit: string, normalized: boolean): string => (normalized ? `${unit}_per_sec` : unit);
