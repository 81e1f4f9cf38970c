import type { EventsResult } from '../../../contracts/src/index.js';
import type { RowSink } from '../definition.js';
import type { Collector } from './runner.js';

/** Turns the kernel's monotonic nanoseconds (bpf_ktime_get_ns) into wall-clock ISO timestamps. */
export class WallClock {
  // Monotonic ns (bpf_ktime_get_ns, and process.hrtime in libuv) → wall-clock ns, measured once per run.
  readonly #offsetNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

  iso(monotonicNs: bigint): string {
    return new Date(Number((monotonicNs + this.#offsetNs) / 1_000_000n)).toISOString();
  }
}

/**
 * The collector of an event-stream tool: every record of ring buffer `map` is decoded into one row (the
 * view dies after `decode` returns: decode it there); the result's `dropped` is the run's lost events
 * (over the per-second bound, or not fitting in the ring buffer). The skeleton spends the run's event
 * budget against its rows (`received`). The rows go to the sink the skeleton hands to `streamTo` as they
 * come, or, without one, stay in the result.
 */
export function streamEvents(
  columns: EventsResult['columns'],
  decode: (record: Buffer, clock: WallClock) => Record<string, unknown> | undefined,
  map = 'events',
): Collector<EventsResult> {
  const clock = new WallClock();
  const kept: Record<string, unknown>[] = [];
  let sink: RowSink | undefined;
  let received = 0;
  return {
    rings: {
      [map]: (record) => {
        const row = decode(record, clock);
        if (!row) return;
        received++;
        if (sink) sink.write(row);
        else kept.push(row);
      },
    },
    received: () => received,
    streamTo: (rows) => {
      sink = rows;
    },
    empty: () => ({ kind: 'events', columns, rows: [], total: 0, dropped: 0 }),
    collect: ({ lostEvents }) => ({ kind: 'events', columns, rows: kept, total: received, dropped: lostEvents }),
  };
}
