import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { Capability, ResultKind, RunStats, ToolResult } from '../../contracts/src/index.js';
import { EVENT_BUDGET_DEFAULTS, hasEventBudget, withEventBudget, type EventBudget } from './event-budget.js';
import { withIntervalParam, type IntervalParams } from './time-series.js';
import type { ParamsError } from './validate-params.js';

/** The result type of a result kind. */
export type ResultOf<K extends ResultKind> = Extract<ToolResult, { kind: K }>;

/**
 * What the API knows of a tool: pure data, no native code, so the control plane can load the whole
 * catalog without libbpf. `P` is derived from `paramsSchema` (json-schema-to-ts), never written by hand:
 * the schema is the one source of truth, and a property with a `default` is present in `P` because
 * validation fills defaults in before any runner sees the params.
 */
export interface ToolDefinition<P = Record<string, unknown>, K extends ResultKind = ResultKind> {
  name: string;
  description: string;
  /** The kind of result with the default params (what GET /v1/tools shows). */
  resultKind: K;
  /** The kind of result with these (validated) params: `resultKind` unless a param changes it (tcpconnect `countOnly`). */
  resultKindOf(params: P): K;
  /** JSON Schema (draft 2020-12) of `params`; `additionalProperties: false` at every level. */
  paramsSchema: Record<string, unknown>;
  /** Kernel capabilities a host must report for this tool to run there with these (validated) params. */
  requires(params: P): Capability[];
  /** Params worth trying: documentation, and the catalog test builds each one's kernel config. */
  examples: P[];
  /** Rules JSON Schema cannot state (one field against another), run on params the schema accepted. */
  check(params: P): ParamsError[];
  /** Only an admin token may start it (it runs a program the caller wrote: bpftrace). */
  adminOnly: boolean;
  /**
   * Its result can be split into intervals: it has the `intervalSec` param, whose rule against the job's
   * `durationSec` validateParams checks when given the job (time-series.ts).
   */
  series: boolean;
}

/** The params type of a tool definition. */
export type ParamsOf<D> = D extends ToolDefinition<infer P, ResultKind> ? P : never;

/** A tool whose default result kind `R` is `events` has the event budget params besides its schema's own. */
type WithEventBudget<P, R extends ResultKind, Budget = EventBudget> = R extends 'events' ? P & Budget : P;
/** A tool declaring `series: true` has the `intervalSec` param besides its schema's own. */
type WithSeries<P, T extends boolean> = T extends true ? P & IntervalParams : P;

/**
 * Declares a tool's pure half (its `<tool>.schema.ts`). `requires` may be a fixed list or depend on the
 * params (e.g. user stacks need more than kernel stacks); so may the result kind (`resultKindOf`, e.g.
 * counts instead of events), `resultKind` then being the kind with the default params. A tool whose
 * `resultKind` is `events` gets the event budget params (`maxEvents`, `maxEventsPerSec`, event-budget.ts)
 * merged into its schema; its examples may leave them out (they get the defaults). A tool declaring `series`
 * (a counts or histogram tool whose kernel counters only grow) gets `intervalSec` (time-series.ts); its
 * runner then gives `Collector.snapshot`.
 */
export function defineTool<
  const S extends JSONSchema,
  R extends ResultKind,
  K extends ResultKind = R,
  T extends boolean = false,
  P = WithSeries<FromSchema<S>, T>,
>(def: {
  name: string;
  description: string;
  resultKind: R;
  resultKindOf?: (params: NoInfer<P>) => K;
  paramsSchema: S;
  requires: Capability[] | ((params: NoInfer<P>) => Capability[]);
  examples?: NoInfer<WithEventBudget<P, R, Partial<EventBudget>>>[];
  check?: (params: NoInfer<P>) => ParamsError[];
  adminOnly?: boolean;
  series?: T;
}): ToolDefinition<WithEventBudget<P, R>, R | K> {
  const { requires } = def;
  const schema = def.paramsSchema as Record<string, unknown>;
  const budgeted = hasEventBudget(def);
  const series = def.series ?? false;
  const withBudget = budgeted ? withEventBudget(def.name, schema) : schema;
  return {
    name: def.name,
    description: def.description,
    resultKind: def.resultKind,
    resultKindOf: def.resultKindOf ?? (() => def.resultKind),
    paramsSchema: series ? withIntervalParam(def.name, def.resultKind, withBudget) : withBudget,
    requires: typeof requires === 'function' ? requires : () => requires,
    examples: (def.examples ?? []).map((example) => (budgeted ? { ...EVENT_BUDGET_DEFAULTS, ...example } : example)) as WithEventBudget<P, R>[],
    check: def.check ?? (() => []),
    adminOnly: def.adminOnly ?? false,
    series,
  };
}

export interface ToolRunContext<P> {
  /** Already validated against the tool's schema (defaults filled in). */
  params: P;
  durationMs: number;
  /** Aborted on cancel or agent shutdown: the run releases everything and returns what it has. */
  signal: AbortSignal;
  /** Called exactly once, when every probe is attached: the run is `running` from then on. */
  onAttached(): void;
  /**
   * Where an events run hands its rows while it runs (the agent sends them on in chunks). When given, the
   * result's `rows` stay empty and its `total` counts the rows written; when absent (tests, the bench's
   * helpers) the rows are kept in the result. Runs of other kinds ignore it.
   */
  rows?: RowSink;
}

/** Takes an events run's rows one at a time, in the order the events were received. */
export interface RowSink {
  /** Must neither throw nor block: it is called from the ring buffer's consumer. */
  write(row: Record<string, unknown>): void;
}

export interface ToolRunOutput<R extends ToolResult = ToolResult> {
  result: R;
  stats: RunStats;
}

export type ToolRunner<P = any> = (ctx: ToolRunContext<P>) => Promise<ToolRunOutput>;
