import type { CountsResult, EventsResult } from '../../../contracts/src/index.js';
import { changeOf } from './change.js';
import { IncompatibleSamplesError, UnknownColumnError } from './errors.js';
import { groupRows, rowCount, type KeyedCount } from './keyed.js';
import { asCompared, comparedUnit, isNormalized, type Sample } from './sample.js';
import type { CountsComparison, CountsRow } from './types.js';

type Side<R> = Sample & { result: R };

/**
 * Two counts results row by row on the `count` column, keyed by their key columns, or by `by` alone (one of
 * the key columns: the other keys are summed away).
 *
 * @throws UnknownColumnError when `by` is not a key column of both sides.
 * @throws IncompatibleSamplesError when the sides have different keys and no `by` picks a common one.
 */
export function compareCounts(base: Side<CountsResult>, target: Side<CountsResult>, by?: string): CountsComparison {
  if (by !== undefined) {
    const common = base.result.keys.filter((k) => target.result.keys.includes(k));
    if (!common.includes(by)) throw new UnknownColumnError(by, common, 'counts');
  } else if (JSON.stringify(base.result.keys) !== JSON.stringify(target.result.keys)) {
    const [b, t] = [base.result.keys.join(', '), target.result.keys.join(', ')];
    throw new IncompatibleSamplesError(`cannot compare counts keyed by [${b}] with counts keyed by [${t}]; pick a common key with by`);
  }
  const keys = by === undefined ? base.result.keys : [by];
  return keyedComparison('counts', 'count', keys, base, target, (result) => groupRows(result.rows, keys, rowCount));
}

/**
 * Two events results: totals only, or with `by` the number of rows per value of that column (as text), in
 * the counts shape. `total` is the events seen, which exceeds the rows when some were not kept.
 *
 * @throws UnknownColumnError when `by` is a column of neither side.
 */
export function compareEvents(base: Side<EventsResult>, target: Side<EventsResult>, by?: string): CountsComparison {
  if (by === undefined) return keyedComparison('events', 'events', [], base, target, () => new Map());
  const columns = [...new Set([...base.result.columns, ...target.result.columns].map((c) => c.name))];
  if (!columns.includes(by)) throw new UnknownColumnError(by, columns, 'events');
  return keyedComparison('events', 'events', [by], base, target, (result) => groupRows(result.rows, [by], () => 1, true));
}

function keyedComparison<R extends CountsResult | EventsResult>(
  kind: CountsComparison['kind'],
  unit: string,
  keys: string[],
  base: Side<R>,
  target: Side<R>,
  group: (result: R) => Map<string, KeyedCount>,
): CountsComparison {
  const normalized = isNormalized(base, target);
  const baseGroups = group(base.result);
  const targetGroups = group(target.result);
  const rows: { id: string; key: Record<string, unknown>; row: CountsRow }[] = [];
  for (const id of new Set([...baseGroups.keys(), ...targetGroups.keys()])) {
    const inBase = baseGroups.get(id);
    const inTarget = targetGroups.get(id);
    const key = (inBase ?? inTarget)!.key;
    const change = changeOf(asCompared(inBase?.count ?? 0, base, normalized), asCompared(inTarget?.count ?? 0, target, normalized));
    rows.push({ id, key, row: { ...key, ...change, change: statusOf(change.base, change.target) } });
  }
  rows.sort((a, b) => Math.abs(b.row.delta) - Math.abs(a.row.delta) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const keysWith = (status: CountsRow['change']) => rows.filter((r) => r.row.change === status).map((r) => r.key);
  return {
    kind,
    keys,
    unit: comparedUnit(unit, normalized),
    normalized,
    total: changeOf(asCompared(base.result.total, base, normalized), asCompared(target.result.total, target, normalized)),
    rows: rows.map((r) => r.row),
    appeared: keysWith('appeared'),
    vanished: keysWith('vanished'),
  };
}

function statusOf(base: number, target: number): CountsRow['change'] {
  if (base === 0 && target !== 0) return 'appeared';
  if (target === 0 && base !== 0) return 'vanished';
  return base === target ? 'same' : 'changed';
}
