import type { CountsResult } from '../api/results';

/** The numeric columns beside the keys (`count`, and e.g. `totalLatencyNs` of syscount -L). */
export function valueColumns(result: Pick<CountsResult, 'keys' | 'rows'>): string[] {
  const keys = new Set(result.keys);
  const columns = new Set<string>();
  for (const row of result.rows) {
    for (const [name, value] of Object.entries(row)) if (!keys.has(name) && typeof value === 'number') columns.add(name);
  }
  return ['count', ...[...columns].filter((c) => c !== 'count').sort()];
}
