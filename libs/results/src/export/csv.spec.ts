import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { CountsResult, EventsResult } from '../../../contracts/src/index.js';
import { countsCsv, eventsCsv, eventsCsvPart } from './csv.js';

const TS = '2026-01-02T03:04:05.678Z';

const events = (rows: EventsResult['rows']): EventsResult => ({
  kind: 'events',
  columns: [
    { name: 'ts', type: 'timestamp' },
    { name: 'pid', type: 'int' },
    { name: 'comm', type: 'string' },
    { name: 'args', type: 'string[]' },
    { name: 'values', type: 'array' },
    { name: 'ok', type: 'bool' },
    { name: 'retval', type: 'int' },
  ],
  rows,
  total: rows.length,
  dropped: 0,
});

/** RFC 4180 as csv-parse reads it: quoted fields, doubled quotes, CRLF records. */
const readBack = (text: string): string[][] => parse(text, { record_delimiter: '\r\n' });

describe('eventsCsv', () => {
  it('writes the columns in order, quoting commas, quotes and line breaks so they read back intact', () => {
    const text = eventsCsv(
      events([
        { ts: TS, pid: 42, comm: 'a,b', args: ['ls', '-l', 'my file'], values: [1, 'x', '0xff'], ok: true, retval: -2 },
        { ts: TS, pid: 43, comm: 'say "hi"', args: [], values: [], ok: false, retval: null },
        { ts: TS, pid: 44, comm: 'two\nlines', args: ['a"b'], values: [0] },
      ]),
    );
    expect(readBack(text)).toEqual([
      ['ts', 'pid', 'comm', 'args', 'values', 'ok', 'retval'],
      [TS, '42', 'a,b', '["ls","-l","my file"]', '[1,"x","0xff"]', 'true', '-2'],
      [TS, '43', 'say "hi"', '[]', '[]', 'false', ''],
      [TS, '44', 'two\nlines', '["a\\"b"]', '[0]', '', ''],
    ]);
  });

  it('ends every record with CRLF (RFC 4180)', () => {
    expect(eventsCsv(events([{ ts: TS, pid: 1, comm: 'x', args: [], values: [], ok: true, retval: 0 }]))).toBe(
      `ts,pid,comm,args,values,ok,retval\r\n${TS},1,x,[],[],true,0\r\n`,
    );
  });

  it("neutralizes text cells a spreadsheet would run as a formula with a leading ', numbers stay as they are", () => {
    const rows = ['=HYPERLINK("http://evil")', '+1', '-bash', '@SUM(A1)', '\tx'].map((comm, i) => ({ ts: TS, pid: i, comm, args: [], values: [], ok: true, retval: -1 }));
    expect(readBack(eventsCsv(events(rows))).map((record) => [record[2], record[6]])).toEqual([
      ['comm', 'retval'],
      [`'=HYPERLINK("http://evil")`, '-1'],
      [`'+1`, '-1'],
      [`'-bash`, '-1'],
      [`'@SUM(A1)`, '-1'],
      [`'\tx`, '-1'],
    ]);
  });

  it('writes the header row for a result with no rows', () => {
    expect(eventsCsv(events([]))).toBe('ts,pid,comm,args,values,ok,retval\r\n');
  });

  it('writes the same file in pieces: the header with the first, then the rows of each piece', () => {
    const rows = [1, 2, 3].map((pid) => ({ ts: TS, pid, comm: `c,${pid}`, args: ['-x'], values: [pid], ok: pid > 1, retval: 0 }));
    const { columns } = events([]);
    const pieces = eventsCsvPart(columns, rows.slice(0, 2), true) + eventsCsvPart(columns, [], false) + eventsCsvPart(columns, rows.slice(2), false);
    expect(pieces).toBe(eventsCsv(events(rows)));
  });
});

describe('countsCsv', () => {
  it('writes the key columns, then count, then the other value columns the rows carry (syscount with latency)', () => {
    const result: CountsResult = {
      kind: 'counts',
      keys: ['syscall', 'pid'],
      rows: [
        { syscall: 'read', pid: 1, count: 10, totalLatencyNs: 5000 },
        { syscall: 'write', pid: 2, count: 3, totalLatencyNs: 700 },
      ],
      total: 13,
    };
    expect(readBack(countsCsv(result))).toEqual([
      ['syscall', 'pid', 'count', 'totalLatencyNs'],
      ['read', '1', '10', '5000'],
      ['write', '2', '3', '700'],
    ]);
  });

  it("puts count first and leaves a value a row lacks empty (bpftrace avg and stats maps side by side; an @map name gets the formula guard's ')", () => {
    const result: CountsResult = {
      kind: 'counts',
      keys: ['map', 'key'],
      rows: [
        { map: '@avg', key: 'x,y', average: 2.5 },
        { map: '@stats', key: null, count: 2, average: 1, total: 2 },
      ],
      total: 2,
    };
    expect(readBack(countsCsv(result))).toEqual([
      ['map', 'key', 'count', 'average', 'total'],
      ["'@avg", 'x,y', '', '2.5', ''],
      ["'@stats", '', '2', '1', '2'],
    ]);
  });

  it('writes the key columns and count for a result with no rows', () => {
    expect(countsCsv({ kind: 'counts', keys: ['probe'], rows: [], total: 0 })).toBe('probe,count\r\n');
  });
});
