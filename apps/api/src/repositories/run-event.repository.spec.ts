import { describe, expect, it } from 'vitest';
import { copyLines, dayStart, partitionName } from './run-event.repository.js';

const RUN = '0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10';

describe('copyLines', () => {
  it('writes one tab-separated line per row: run, chunk, index and the row as JSON', () => {
    expect(copyLines(RUN, 3, [{ pid: 1, comm: 'a b' }, { pid: 2, args: ['x', 'y'] }])).toBe(
      `${RUN}\t3\t0\t{"pid":1,"comm":"a b"}\n${RUN}\t3\t1\t{"pid":2,"args":["x","y"]}\n`,
    );
  });

  it("doubles every backslash, COPY's escape, so the stored JSON is the row's JSON exactly", () => {
    // The row holds a tab, a line break, a quote and a backslash; JSON escapes the first three with backslashes.
    const line = copyLines(RUN, 0, [{ s: 'a\tb\nc"d\\e' }]);
    expect(line).toBe(`${RUN}\t0\t0\t{"s":"a\\\\tb\\\\nc\\\\"d\\\\\\\\e"}\n`);
    // What COPY's text format reads back: each \\ is one backslash.
    const field = line.trimEnd().split('\t')[3]!.replaceAll('\\\\', '\\');
    expect(JSON.parse(field)).toEqual({ s: 'a\tb\nc"d\\e' });
  });

  it('writes nothing for no rows', () => {
    expect(copyLines(RUN, 0, [])).toBe('');
  });
});

describe('daily partitions', () => {
  it('names the partition of a UTC day after its date', () => {
    expect(partitionName(new Date('2026-01-02T00:00:00Z'))).toBe('run_events_20260102');
  });

  it('starts a day at 00:00 UTC, whatever the time in it', () => {
    expect(dayStart(new Date('2026-03-04T23:59:59.999Z')).toISOString()).toBe('2026-03-04T00:00:00.000Z');
    expect(dayStart(new Date('2026-03-05T00:00:00.000Z')).toISOString()).toBe('2026-03-05T00:00:00.000Z');
  });
});
