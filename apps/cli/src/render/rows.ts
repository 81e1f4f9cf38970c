import type { CountsResult, EventsResult } from '../api/results.js';
import { formatNumber } from './format.js';
import { renderTable, type Column } from './table.js';

/** How many rows a terminal shows before "… N more rows". */
export const ROW_LIMIT = 20;

/**
 * A counts result: its key columns as they are, then its value columns (`count`, then any others, in the
 * order the rows hold them) grouped by thousands; the first `limit` rows in the API's order (largest first),
 * and the total.
 */
export function renderCounts(result: CountsResult, limit = ROW_LIMIT): string {
  const values = [...new Set(result.rows.flatMap((row) => Object.keys(row)))].filter((name) => !result.keys.includes(name));
  const columns: Column[] = [...result.keys.map((title) => ({ title })), ...values.map((title) => ({ title, align: 'right' as const }))];
  const cells = (row: Record<string, unknown>) => [...result.keys.map((key) => row[key]), ...values.map((name) => quantity(row[name]))];
  return [
    renderTable(columns, result.rows.slice(0, limit).map(cells)),
    ...moreRows(result.rows.length, limit),
    `total ${formatNumber(result.total)}`,
  ].join('\n');
}

/** An events result: its columns as declared, the first `limit` rows, and how many there were and were dropped. */
export function renderEvents(result: EventsResult, limit = ROW_LIMIT): string {
  const columns: Column[] = result.columns.map(({ name, type }) => ({
    title: name,
    align: type === 'int' || type === 'float' ? 'right' : 'left',
  }));
  return [
    renderTable(columns, result.rows.slice(0, limit).map((row) => result.columns.map(({ name }) => row[name]))),
    ...moreRows(result.rows.length, limit),
    `${formatNumber(result.total)} events, ${formatNumber(result.dropped)} dropped`,
  ].join('\n');
}

const moreRows = (rows: number, limit: number): string[] => (rows > limit ? [`… ${formatNumber(rows - limit)} more rows`] : []);

const quantity = (value: unknown): unknown => (typeof value === 'number' ? formatNumber(value) : value);
