import { BpfObject, RingBuffer, bpfObjectPath, sleepOrAbort, type BpfLink, type RodataValue } from '../../../bpf/src/index.js';
import type { RunStats, ToolResult } from '../../../contracts/src/index.js';
import type { ParamsOf, ResultOf, RowSink, ToolDefinition, ToolRunContext, ToolRunOutput } from '../definition.js';
import { eventBudgetOf, hasEventBudget } from '../event-budget.js';
import { intervalProblems } from '../time-series.js';
import { BudgetWatch, EVENT_BUDGET_LAYOUTS, eventBudgetRodata } from './budget.js';
import { SeriesRecorder } from './series.js';

/** A struct layout as far as the catalog test cares: its byte size (a `defineStruct` or any field type). */
export interface SizedLayout {
  readonly size: number;
}

/** The TS layouts of one BPF map, checked against the compiled object's key and value sizes. */
export interface MapLayouts {
  key?: SizedLayout;
  value?: SizedLayout;
}

/** What a run observed besides the maps, handed to {@link Collector.collect}. */
export interface RunWindow {
  /** Wall-clock milliseconds the probes were attached. */
  tracedMs: number;
  /** The object's `dropped` counter (BPFLEET_DROPPED_COUNTER) summed over CPUs; 0 when it has none. */
  lostEvents: number;
}

/**
 * One run's user-space side, created once the object is loaded. The skeleton consumes `rings` while the
 * probes are attached and once more after they are detached, then calls `collect` with the maps final.
 */
export interface Collector<R> {
  /** Ring buffer map name → handler of one record (a view valid only during the call: decode it there). */
  rings?: Record<string, (record: Buffer) => void>;
  /** The result of a run aborted before its probes were attached. */
  empty(): R;
  collect(window: RunWindow): R | Promise<R>;
  /** Extra counters for the run's stats (e.g. symbolization time). */
  stats?(): RunStats;
  /** An events collector: the rows it received so far, against which the skeleton spends the run's `maxEvents`. */
  received?(): number;
  /** An events collector: from now on, hand every row to `sink` instead of keeping it in the result. */
  streamTo?(sink: RowSink): void;
  /**
   * A series tool's result so far, read while the probes are attached: the skeleton calls it at every interval
   * boundary of a run with `intervalSec` (runtime/series.ts makes each interval the difference of two). It
   * must only read, from maps no one resets, the same way `collect` does (histograms: the whole, groups may
   * be left out), so that `collect` is the last snapshot.
   */
  snapshot?(): R;
}

/** The result type a tool's definition declares. */
export type ResultOfTool<D extends ToolDefinition<any, any>> = ResultOf<D['resultKind']>;

/**
 * Everything a tool's runtime half (`<tool>.ts`) declares; the skeleton does the rest. `S` is what the
 * tool's `prepare` works out on the host before anything is loaded (e.g. its resolved probes), handed to
 * every later step of the same run.
 */
export interface RunnerSpec<D extends ToolDefinition<any, any>, S = void> {
  /** Name of the compiled object `build/bpf/<object>.bpf.o`; default the tool's name. */
  object?: string;
  /** TS mirrors of the maps' key/value structs (`<tool>.h`), by map name. */
  layouts?: Record<string, MapLayouts>;
  /** The `const volatile` config of the object for these params. */
  rodata(params: ParamsOf<D>): Record<string, RodataValue | undefined>;
  /** Host-side work before the object is opened (resolving probe specs); a throw fails the run with its message. */
  prepare?(params: ParamsOf<D>): S;
  /** Before load: choose programs (autoload), size maps. */
  beforeLoad?(obj: BpfObject, params: ParamsOf<D>, prepared: S): void;
  /** Attaches the programs; default every program by its SEC() name. The skeleton owns the links. */
  attach?(obj: BpfObject, params: ParamsOf<D>, prepared: S): BpfLink[];
  /** The run's user-space state; resources it opens go on `stack` (released after the object's links). */
  collector(obj: BpfObject, params: ParamsOf<D>, stack: DisposableStack, prepared: S): Collector<ResultOfTool<D>>;
}

/** A tool's runtime half: its definition, what the catalog test checks, and the runner the agent calls. */
export interface ToolImplementation<D extends ToolDefinition<any, any> = ToolDefinition<any, any>> {
  definition: D;
  /**
   * The compiled object `build/bpf/<objectName>.bpf.o` its run opens (defineRunner). Absent for a tool
   * whose runtime half is no BPF object of its own (bpftrace: a process compiling the caller's program),
   * which then has no layouts nor rodata and honours the same `run(ctx)` contract and stats by itself.
   */
  objectName?: string;
  layouts: Record<string, MapLayouts>;
  rodata(params: ParamsOf<D>): Record<string, RodataValue | undefined>;
  run(ctx: ToolRunContext<ParamsOf<D>>): Promise<ToolRunOutput<ResultOfTool<D>>>;
}

const elapsed = (from: number) => Math.round(performance.now() - from);

/** Interval boundaries while the probes are attached: `tick` every `everyMs`, not at the end. */
interface Intervals {
  everyMs: number;
  tick(): void;
}

/**
 * Waits out the run (its duration, or until `signal` aborts), ticking the intervals on a fixed schedule from
 * the start, so that they do not drift; the last interval ends with the run.
 */
async function traceWindow(durationMs: number, signal: AbortSignal, intervals: Intervals | undefined): Promise<void> {
  if (!intervals) return sleepOrAbort(durationMs, signal);
  const start = performance.now();
  const end = start + durationMs;
  for (let i = 0; !signal.aborted; i++) {
    const next = start + (i + 1) * intervals.everyMs;
    if (next >= end) return sleepOrAbort(end - performance.now(), signal);
    await sleepOrAbort(next - performance.now(), signal);
    if (!signal.aborted) intervals.tick();
  }
}

/**
 * The interval length of a run of a series tool with `intervalSec`, or undefined for a run without series.
 * Throws (the run fails before anything is loaded) past the intervals a run may have: the agent's own check
 * of what the API checks (validateParams with the job).
 */
function seriesIntervalSec(definition: ToolDefinition<any, any>, params: Record<string, unknown>, durationMs: number): number | undefined {
  const intervalSec = params.intervalSec as number | undefined;
  if (!definition.series || intervalSec === undefined) return undefined;
  const [problem] = intervalProblems(intervalSec, durationMs / 1000);
  if (problem) throw new RangeError(`${problem.field} ${problem.message}`);
  return intervalSec;
}

/** The snapshot of a series tool's collector; throws for a collector without one (a tool's mistake). */
function snapshotOf(definition: ToolDefinition<any, any>, collector: Collector<ToolResult>): () => ToolResult {
  const { snapshot } = collector;
  if (!snapshot) throw new Error(`${definition.name}: a series tool's collector must give its snapshot (Collector.snapshot)`);
  return () => snapshot.call(collector);
}

/** The watch of a run that returns events (runtime/budget.ts), or undefined for any other run. */
function budgetWatch(definition: ToolDefinition<any, any>, params: Record<string, unknown>, obj: BpfObject, collector: Collector<unknown>): BudgetWatch | undefined {
  const budget = eventBudgetOf(definition, params);
  if (!budget) return undefined;
  const { received } = collector;
  if (!received) throw new Error(`${definition.name}: an events collector must count its rows (Collector.received; streamEvents does)`);
  return new BudgetWatch(budget, obj.map('rate_window'), received);
}

/**
 * Declares a tool's runtime half on the shared skeleton: open (CO-RE against a minimized BTF) → rodata →
 * load → collector → attach → onAttached → wait for the duration, the abort or a spent event budget →
 * detach → drain rings → collect. Every kernel resource is owned by one DisposableStack, released in
 * reverse order on success, error and abort alike. Stats for every tool: `loadMs` (open + load),
 * `attachMs` (start → attached), `tracedMs`, `lostEvents`, plus the collector's own. A tool returning
 * events gets its budget (`maxEvents`, `maxEventsPerSec`: BudgetWatch) with no code of its own: the
 * rate bound's rodata, the `rate_window` layout, the stop and `stats.stopReason`.
 */
export function defineRunner<D extends ToolDefinition<any, any>, S = void>(definition: D, spec: RunnerSpec<D, S>): ToolImplementation<D> {
  const objectName = spec.object ?? definition.name;
  const budgeted = hasEventBudget(definition);
  const rodata = (params: ParamsOf<D>) => (budgeted ? { ...spec.rodata(params), ...eventBudgetRodata(params) } : spec.rodata(params));
  return {
    definition,
    objectName,
    layouts: { ...(budgeted ? EVENT_BUDGET_LAYOUTS : {}), ...spec.layouts },
    rodata,
    async run(ctx) {
      const start = performance.now();
      const intervalSec = seriesIntervalSec(definition, ctx.params, ctx.durationMs);
      const prepared = spec.prepare?.(ctx.params) as S;
      const stack = new DisposableStack();
      try {
        const obj = stack.use(BpfObject.open(bpfObjectPath(objectName), { minimizedBtf: true }));
        spec.beforeLoad?.(obj, ctx.params, prepared);
        obj.setRodata(rodata(ctx.params));
        obj.load();
        const loadMs = elapsed(start);
        const collector = spec.collector(obj, ctx.params, stack, prepared);
        const series = intervalSec === undefined ? undefined : new SeriesRecorder(intervalSec, snapshotOf(definition, collector));
        const watch = budgetWatch(definition, ctx.params, obj, collector);
        if (watch) stack.use(watch);
        if (ctx.rows) collector.streamTo?.(watch ? watch.cap(ctx.rows) : ctx.rows);
        const rings = Object.entries(collector.rings ?? {}).map(([map, onRecord]) =>
          stack.use(RingBuffer.open(obj.map(map), watch ? watch.guard(onRecord) : onRecord)),
        );
        if (ctx.signal.aborted) return { result: collector.empty(), stats: { loadMs, lostEvents: 0, ...collector.stats?.() } };

        const links = spec.attach ? spec.attach(obj, ctx.params, prepared) : obj.attachAll();
        for (const link of links) stack.use(link);
        for (const ring of rings) ring.start();
        watch?.start();
        const attachMs = elapsed(start);
        const attachedAt = performance.now();
        series?.start();
        ctx.onAttached();
        await traceWindow(ctx.durationMs, watch ? AbortSignal.any([ctx.signal, watch.signal]) : ctx.signal, series);
        for (const link of links) link.close();
        const tracedMs = elapsed(attachedAt);
        for (const ring of rings) ring.consume();

        const lostEvents = obj.hasMap('dropped') ? Number(obj.map('dropped').sumPerCpuU64(Buffer.alloc(4))) : 0;
        const whole = await collector.collect({ tracedMs, lostEvents });
        const result = series ? series.finish(whole) : whole;
        const budgetStats = watch?.settle(result, tracedMs);
        return { result, stats: { loadMs, attachMs, tracedMs, lostEvents, ...collector.stats?.(), ...budgetStats } };
      } finally {
        stack.dispose();
      }
    },
  };
}
