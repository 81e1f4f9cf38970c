import { defineStruct, u32, u64, type BpfMap } from '../../../bpf/src/index.js';
import type { RunStats, StopReason, ToolResult } from '../../../contracts/src/index.js';
import type { RowSink } from '../definition.js';
import type { EventBudget } from '../event-budget.js';
import type { MapLayouts } from './runner.js';

/** Mirrors `struct bpfleet_rate_window` of libs/bpf/include/maps.bpf.h (BPFLEET_EVENT_RATE_LIMIT). */
export const RateWindow = defineStruct({ start_ns: u64, count: u64, exceeded: u64 });

/** The maps every events tool's object has through BPFLEET_EVENT_RATE_LIMIT (the catalog test checks their sizes). */
export const EVENT_BUDGET_LAYOUTS: Record<string, MapLayouts> = { rate_window: { key: u32, value: RateWindow } };

/** The rodata BPFLEET_EVENT_RATE_LIMIT reads: the kernel drops events over the bound between two polls. */
export const eventBudgetRodata = (budget: Pick<EventBudget, 'maxEventsPerSec'>) => ({ max_events_per_sec: budget.maxEventsPerSec });

/**
 * How often the kernel's count of events over `maxEventsPerSec` is read while the probes are attached: the
 * run stops within this long of the first drop (the kernel bound holds the flood meanwhile).
 */
const RATE_POLL_MS = 100;

type BudgetStop = Extract<StopReason, 'maxEvents' | 'maxEventsPerSec'>;

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/**
 * Spends one events run's budget. The skeleton hands ring records through {@link guard}, calls {@link start}
 * once the probes are attached and ends the trace window when {@link signal} aborts — the window then ends
 * as a stop would: detach, drain, collect. {@link settle} cuts the result to `maxEvents` rows and says why
 * the run stopped.
 */
export class BudgetWatch implements Disposable {
  readonly #budget: EventBudget;
  readonly #rateWindow: BpfMap;
  readonly #received: () => number;
  readonly #ended = new AbortController();
  #reason?: BudgetStop;
  #timer?: NodeJS.Timeout;

  /** `received`: the rows the collector holds so far. */
  constructor(budget: EventBudget, rateWindow: BpfMap, received: () => number) {
    this.#budget = budget;
    this.#rateWindow = rateWindow;
    this.#received = received;
  }

  /** Aborts once the budget is spent. */
  get signal(): AbortSignal {
    return this.#ended.signal;
  }

  /**
   * Wraps a ring record handler: records past `maxEvents` (later in the same ring batch, or in the final
   * drain) are not handed on, and the one that reaches it ends the window.
   */
  guard(onRecord: (record: Buffer) => void): (record: Buffer) => void {
    return (record) => {
      if (this.#received() >= this.#budget.maxEvents) return;
      onRecord(record);
      if (this.#received() >= this.#budget.maxEvents) this.#end('maxEvents');
    };
  }

  /**
   * `sink` passing on at most `maxEvents` rows: rows a collector adds past the guard (tcpconnect's connects
   * still in progress at the end) are not sent, as {@link settle} cuts them from a result that keeps its rows.
   */
  cap(sink: RowSink): RowSink {
    let written = 0;
    return {
      write: (row) => {
        if (written >= this.#budget.maxEvents) return;
        written++;
        sink.write(row);
      },
    };
  }

  /** Starts watching for events dropped over `maxEventsPerSec`. */
  start(): void {
    this.#timer = setInterval(() => {
      if (this.#exceeded() > 0) this.#end('maxEventsPerSec');
    }, RATE_POLL_MS);
    this.#timer.unref();
  }

  /**
   * After the last drain: cuts an events result to `maxEvents` rows (a collector may add rows at the end; a
   * streamed result's `total` counts the rows its sink was handed, which {@link cap} held to `maxEvents`),
   * notes why the run stopped in `result.note`, and returns the stats to add. A bound hit after the last
   * poll counts too: the result misses those events all the same.
   */
  settle(result: ToolResult, tracedMs: number): RunStats {
    if (result.kind !== 'events') return {};
    const { maxEvents, maxEventsPerSec } = this.#budget;
    if (result.total >= maxEvents) {
      result.rows.splice(maxEvents);
      result.total = maxEvents;
      this.#end('maxEvents');
    }
    const exceeded = this.#exceeded();
    if (exceeded > 0) this.#end('maxEventsPerSec');
    if (!this.#reason) return {};
    const why =
      this.#reason === 'maxEvents'
        ? `stopped after ${seconds(tracedMs)} s at maxEvents: the first ${maxEvents} events are the rows, later ones were not kept`
        : `stopped after ${seconds(tracedMs)} s: events came faster than maxEventsPerSec (${maxEventsPerSec}); the kernel dropped ${exceeded} over that bound (in \`dropped\`), the rows are the events received before the stop`;
    result.note = result.note ? `${result.note}; ${why}` : why;
    return { stopReason: this.#reason };
  }

  #exceeded(): number {
    const value = this.#rateWindow.lookup(Buffer.alloc(u32.size));
    return value ? Number(RateWindow.decode(value).exceeded) : 0;
  }

  #end(reason: BudgetStop): void {
    if (this.#reason) return;
    this.#reason = reason;
    clearInterval(this.#timer);
    this.#ended.abort();
  }

  [Symbol.dispose](): void {
    clearInterval(this.#timer);
  }
}
