/** Rows grouped by key columns: shared by counts comparison, events by column, and thresholds. */

/** A cell as text, for matching `col=value` selectors and keying events: null and missing read as ''. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A counts row's `count` column (0 when missing or not a number). */
export const rowCount = (row: Record<string, unknown>): number => (typeof row.count === 'number' ? row.count : 0);

export interface KeyedCount {
  /** The key columns' values. */
  key: Record<string, unknown>;
  count: number;
}

/** Rows summed by the values of `keys`, each row weighing `weight(row)`. Keyed by the JSON of the key values. */
export function groupRows(
  rows: readonly Record<string, unknown>[],
  keys: readonly string[],
  weight: (row: Record<string, unknown>) => number,
  asText = false,
): Map<string, KeyedCount> {
  const groups = new Map<string, KeyedCount>();
  for (const row of rows) {
    const values = keys.map((k) => (asText ? cellText(row[k]) : (row[k] ?? null)));
    const id = JSON.stringify(values);
    const group = groups.get(id);
    if (group) group.count += weight(row);
    else groups.set(id, { key: Object.fromEntries(keys.map((k, i) => [k, values[i]])), count: weight(row) });
  }
  return groups;
}

/** Whether a row matches every `col=value` of a selector (values compared as text). */
export const rowMatches = (row: Record<string, unknown>, match: Readonly<Record<string, string>>): boolean =>
  Object.entries(match).every(([column, value]) => cellText(row[column]) === value);
