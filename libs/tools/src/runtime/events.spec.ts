import { describe, expect, it } from 'vitest';
import type { EventsResult } from '../../../contracts/src/index.js';
import { streamEvents } from './events.js';

const columns: EventsResult['columns'] = [{ name: 'n', type: 'int' }];
/** A record is one byte, its value; 0 decodes to no row (a record the tool skips). */
const decode = (record: Buffer) => (record[0] === 0 ? undefined : { n: record[0] });
const feed = (collector: ReturnType<typeof streamEvents>, values: number[]) => {
  for (const value of values) collector.rings!.events!(Buffer.from([value]));
};
const window = { tracedMs: 1000, lostEvents: 4 };

describe('streamEvents', () => {
  it('keeps the rows in the result when no sink is given', async () => {
    const collector = streamEvents(columns, decode);
    feed(collector, [1, 0, 2, 3]);
    expect(collector.received!()).toBe(3);
    expect(await collector.collect(window)).toEqual({ kind: 'events', columns, rows: [{ n: 1 }, { n: 2 }, { n: 3 }], total: 3, dropped: 4 });
  });

  it('hands every row to the sink once streaming, keeping none: the result has the totals only', async () => {
    const collector = streamEvents(columns, decode);
    const written: unknown[] = [];
    collector.streamTo!({ write: (row) => written.push(row) });
    feed(collector, [5, 0, 6]);
    expect(written).toEqual([{ n: 5 }, { n: 6 }]);
    expect(collector.received!()).toBe(2);
    expect(await collector.collect(window)).toEqual({ kind: 'events', columns, rows: [], total: 2, dropped: 4 });
  });

  it('reads the ring buffer map it is given', () => {
    expect(Object.keys(streamEvents(columns, decode, 'exits').rings!)).toEqual(['exits']);
  });
});
