import { describe, expect, it } from 'vitest';
import { BpfMap } from '../../../bpf/src/index.js';
import type { EventsResult } from '../../../contracts/src/index.js';
import { mockOf } from '../../../../test/support/mock.js';
import { BudgetWatch } from './budget.js';

/** No events over the per-second bound: the kernel's window says nothing was exceeded. */
const quietWindow = mockOf(BpfMap, { lookup: () => undefined });
const columns: EventsResult['columns'] = [{ name: 'n', type: 'int' }];

describe(BudgetWatch.name, () => {
  it('passes at most maxEvents rows on to a sink, whatever reaches it past the guard', () => {
    const watch = new BudgetWatch({ maxEvents: 3, maxEventsPerSec: 100 }, quietWindow, () => 0);
    const written: unknown[] = [];
    const sink = watch.cap({ write: (row) => written.push(row) });
    for (let n = 0; n < 5; n++) sink.write({ n });
    expect(written).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
  });

  it('settles a streamed result that reached maxEvents at maxEvents rows, with the reason', () => {
    const watch = new BudgetWatch({ maxEvents: 3, maxEventsPerSec: 100 }, quietWindow, () => 4);
    const result: EventsResult = { kind: 'events', columns, rows: [], total: 4, dropped: 0 };
    expect(watch.settle(result, 1500)).toEqual({ stopReason: 'maxEvents' });
    expect(result).toMatchObject({ rows: [], total: 3 });
    expect(result.note).toBe('stopped after 1.5 s at maxEvents: the first 3 events are the rows, later ones were not kept');
  });

  it('cuts a result that kept its rows to maxEvents rows, as before streaming', () => {
    const watch = new BudgetWatch({ maxEvents: 2, maxEventsPerSec: 100 }, quietWindow, () => 3);
    const result: EventsResult = { kind: 'events', columns, rows: [{ n: 0 }, { n: 1 }, { n: 2 }], total: 3, dropped: 0 };
    expect(watch.settle(result, 1000)).toEqual({ stopReason: 'maxEvents' });
    expect(result).toMatchObject({ rows: [{ n: 0 }, { n: 1 }], total: 2 });
  });

  it('leaves a result under its budget as it is', () => {
    const watch = new BudgetWatch({ maxEvents: 10, maxEventsPerSec: 100 }, quietWindow, () => 2);
    const result: EventsResult = { kind: 'events', columns, rows: [], total: 2, dropped: 0 };
    expect(watch.settle(result, 1000)).toEqual({});
    expect(result).toEqual({ kind: 'events', columns, rows: [], total: 2, dropped: 0 });
  });
});
