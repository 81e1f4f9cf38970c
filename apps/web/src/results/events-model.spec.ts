import { describe, expect, it } from 'vitest';
import { cellText, visibleRows, type EventsQuery } from './events-model';

const result = {
  columns: [
    { name: 'ts', type: 'timestamp' as const },
    { name: 'pid', type: 'int' as const },
    { name: 'comm', type: 'string' as const },
    { name: 'args', type: 'string[]' as const },
  ],
  rows: [
    { ts: '2026-01-01T00:00:02.000Z', pid: 100, comm: 'bash', args: ['ls', '-l'] },
    { ts: '2026-01-01T00:00:01.000Z', pid: 9, comm: 'Nginx', args: ['nginx', '-g'] },
    { ts: '2026-01-01T00:00:03.000Z', pid: 20, comm: 'bash', args: [] },
    { ts: '2026-01-01T00:00:04.000Z', comm: 'cron', args: ['cron'] },
  ],
};

const query = (q: Partial<EventsQuery>): EventsQuery => ({ filter: '', filterColumn: null, sort: null, ...q });

describe('visibleRows', () => {
  it('keeps the order of the result without a query', () => {
    expect(visibleRows(result, query({}))).toEqual([0, 1, 2, 3]);
  });

  it('filters case-insensitively in any column, or in one', () => {
    expect(visibleRows(result, query({ filter: 'NGINX' }))).toEqual([1]);
    expect(visibleRows(result, query({ filter: '-l' }))).toEqual([0]);
    expect(visibleRows(result, query({ filter: '2', filterColumn: 'pid' }))).toEqual([2]);
    expect(visibleRows(result, query({ filter: '2', filterColumn: null }))).toEqual([0, 1, 2, 3]);
  });

  it('sorts numbers as numbers, text as text, missing values last, stable on ties', () => {
    expect(visibleRows(result, query({ sort: { column: 'pid', descending: false } }))).toEqual([1, 2, 0, 3]);
    expect(visibleRows(result, query({ sort: { column: 'pid', descending: true } }))).toEqual([0, 2, 1, 3]);
    expect(visibleRows(result, query({ sort: { column: 'ts', descending: false } }))).toEqual([1, 0, 2, 3]);
    expect(visibleRows(result, query({ sort: { column: 'comm', descending: false } }))).toEqual([1, 0, 2, 3]);
  });

  it('filters then sorts', () => {
    expect(visibleRows(result, query({ filter: 'bash', sort: { column: 'pid', descending: false } }))).toEqual([2, 0]);
  });

  it('sorts 100,000 rows by a number exactly', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => ({ pid: (i * 7919) % 100_000 }));
    const order = visibleRows({ columns: [{ name: 'pid', type: 'int' }], rows }, query({ sort: { column: 'pid', descending: true } }));
    expect(order).toHaveLength(100_000);
    expect(rows[order[0]!]!.pid).toBe(99_999);
    expect(rows[order[99_999]!]!.pid).toBe(0);
  });
});

describe('cellText', () => {
  it('writes each type of cell', () => {
    expect(cellText(['a', 1])).toBe('a 1');
    expect(cellText(true)).toBe('true');
    expect(cellText(undefined)).toBe('');
    expect(cellText(0)).toBe('0');
  });
});
