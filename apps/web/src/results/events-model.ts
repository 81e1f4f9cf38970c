import type { EventsResult } from '../api/results';

type Column = EventsResult['columns'][number];
type Row = EventsResult['rows'][number];

/** A cell as text: arrays joined by spaces (argv), booleans as words, absent values empty. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(cellText).join(' ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export interface EventsQuery {
  /** Case-insensitive substring; empty keeps every row. */
  filter: string;
  /** A column name to look in, or null for any column. */
  filterColumn: string | null;
  sort: { column: string; descending: boolean } | null;
}

const searchText = new WeakMap<Row, string>();

/** Lower-cased text of the row's cells, computed once per row object (filtering re-reads it per keystroke). */
function rowText(row: Row, columns: readonly Column[]): string {
  let text = searchText.get(row);
  if (text === undefined) {
    text = columns.map((column) => cellText(row[column.name])).join('\u0000').toLowerCase();
    searchText.set(row, text);
  }
  return text;
}

const NUMERIC = new Set(['int', 'float']);

/**
 * The indices of the rows to show, filtered then sorted (stable: equal keys keep the result's order).
 * Numeric columns sort as numbers, the rest as text (ISO timestamps sort as time). Rows whose sort value is
 * missing go last in both directions. Works on indices so that 100,000 rows are never copied.
 */
export function visibleRows(result: Pick<EventsResult, 'columns' | 'rows'>, query: EventsQuery): number[] {
  const { columns, rows } = result;
  const needle = query.filter.trim().toLowerCase();
  let indices: number[] = [];
  if (needle === '') {
    indices = Array.from(rows.keys());
  } else if (query.filterColumn !== null) {
    const name = query.filterColumn;
    rows.forEach((row, i) => {
      if (cellText(row[name]).toLowerCase().includes(needle)) indices.push(i);
    });
  } else {
    rows.forEach((row, i) => {
      if (rowText(row, columns).includes(needle)) indices.push(i);
    });
  }
  if (query.sort === null) return indices;
  const { column: name, descending } = query.sort;
  const numeric = NUMERIC.has(columns.find((c) => c.name === name)?.type ?? '');
  const keys = rows.map((row) => {
    const value = row[name];
    if (value === null || value === undefined) return null;
    return numeric ? Number(value) : cellText(value);
  });
  const direction = descending ? -1 : 1;
  return indices.sort((a, b) => {
    const x = keys[a]!;
    const y = keys[b]!;
    if (x === y) return a - b;
    if (x === null) return 1;
    if (y === null) return -1;
    return (x < y ? -1 : 1) * direction;
  });
}
