import type { FromSchema } from 'json-schema-to-ts';
import type { ResultKind } from '../../contracts/src/index.js';
import type { ParamsError } from './validate-params.js';

/**
 * At most this many intervals in one run: a series of 1000 histograms of ~50 buckets stays a few MB of JSON,
 * and a heatmap 1000 columns wide is already wider than a screen.
 */
export const MAX_INTERVALS = 1000;

/**
 * The param every tool with a time series has, merged into its params schema by `defineTool` (a tool declares
 * `series: true`, not the param). No default: without it the result has no series.
 */
export const intervalProperties = {
  intervalSec: {
    type: 'integer',
    minimum: 1,
    maximum: 3600,
    description: `Also split the result into intervals of this many seconds: \`series\` then holds one summary per interval (counts: its rows and total; histograms: its buckets, count, sum and percentiles), \`at\` its start, and the whole-window result is their sum. At most ${MAX_INTERVALS} intervals per run: not below durationSec / ${MAX_INTERVALS}.`,
  },
} as const;

const intervalSchema = { type: 'object', additionalProperties: false, properties: intervalProperties } as const;

/** The time series param, as validated params carry it (absent: no series). */
export type IntervalParams = FromSchema<typeof intervalSchema>;

/** The result kinds a series can be made of: the aggregates, whose kernel counters only ever grow during a run. */
const SERIES_KINDS: ReadonlySet<ResultKind> = new Set(['counts', 'histogram']);

/**
 * `schema` with `intervalSec` added to its properties. Throws if the tool's result kind has no series (events,
 * stacks) or its schema declares the param itself.
 */
export function withIntervalParam<S extends Record<string, unknown>>(toolName: string, resultKind: ResultKind, schema: S): S {
  if (!SERIES_KINDS.has(resultKind)) throw new Error(`${toolName}: ${resultKind} results have no time series (only counts and histograms)`);
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  if ('intervalSec' in properties) throw new Error(`${toolName} declares intervalSec, which every tool with a time series gets from time-series.ts`);
  return { ...schema, properties: { ...properties, ...intervalProperties } };
}

/** How many intervals a run of `durationMs` has with `intervalSec`: the last one may be shorter. */
export function intervalCount(durationMs: number, intervalSec: number): number {
  return Math.ceil(durationMs / (intervalSec * 1000));
}

/**
 * The rule between `intervalSec` and the job's `durationSec`: a run has at most {@link MAX_INTERVALS}
 * intervals (intervalSec ≥ durationSec / 1000). Empty without the param (undefined).
 */
export function intervalProblems(intervalSec: number | undefined, durationSec: number): ParamsError[] {
  if (intervalSec === undefined || intervalCount(durationSec * 1000, intervalSec) <= MAX_INTERVALS) return [];
  return [
    {
      field: 'params.intervalSec',
      message: `must be at least ${Math.ceil(durationSec / MAX_INTERVALS)} for a run of ${durationSec} s (at most ${MAX_INTERVALS} intervals per run)`,
    },
  ];
}
