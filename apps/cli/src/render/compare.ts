import type { Comparison } from '../api/types.js';
import { formatChange, formatDelta, formatNumber, formatShare } from './format.js';
import { renderTable } from './table.js';
import { ROW_LIMIT } from './rows.js';
import { moduleLabel } from './stacks.js';

type Kind<K extends string> = Extract<Comparison, { kind: K }>;
type Change = { base: number; target: number; delta: number; ratio: number | null };

const right = (title: string) => ({ title, align: 'right' as const });

/** ratio → relative change: 1.24 → `+24%`; empty when the base was 0 (no ratio). */
const relative = (ratio: number | null): string => (ratio === null ? '' : formatChange(ratio - 1));

/** A share difference in percentage points: 0.032 → `+3.2pp`. */
const points = (delta: number): string => `${formatDelta(Math.round(delta * 1000) / 10)}pp`;

/**
 * GET /v1/compare's JSON for a terminal: what each side is, then by kind the percentiles and the shift
 * test (histogram), the total and the rows that changed most (counts, events), or the functions that
 * regressed most (stacks), with base, target, delta and relative change.
 */
export function renderComparison(comparison: Comparison): string {
  const { base, target } = comparison.sources;
  const side = (name: string, s: typeof base) =>
    `${name}: ${s.type} ${s.id} (${s.hosts.join(', ')}), traced ${(s.tracedMs / 1000).toFixed(1)}s`;
  const head = [
    `${comparison.tool}: ${comparison.kind} comparison${comparison.normalized ? ' (per traced second: the durations differ)' : ''}`,
    side('base', base),
    side('target', target),
    '',
  ];
  switch (comparison.kind) {
    case 'histogram':
      return [...head, renderHistogramComparison(comparison)].join('\n');
    case 'stacks':
      return [...head, renderStacksComparison(comparison)].join('\n');
    default:
      return [...head, renderCountsComparison(comparison)].join('\n');
  }
}

function renderHistogramComparison(c: Kind<'histogram'>): string {
  const rows = Object.entries(c.percentiles).map(([name, p]: [string, Change]) => [name, formatNumber(p.base), formatNumber(p.target), formatDelta(p.delta), relative(p.ratio)]);
  const table = renderTable([{ title: c.unit }, right('base'), right('target'), right('delta'), right('change')], [
    ['count', formatNumber(c.base.count), formatNumber(c.target.count), formatDelta(c.target.count - c.base.count), ''],
    ...rows,
  ]);
  const shift = c.shift
    ? `shift: ${c.shift.test} p=${c.shift.pValue.toPrecision(2)} (${c.shift.significant ? 'significant' : 'not significant'}), ` +
      `effect (Cliff's delta) ${formatDelta(c.shift.effect)}`
    : 'shift: not tested (a side is empty)';
  return `${table}\n${shift}`;
}

function renderCountsComparison(c: Kind<'counts' | 'events'>): string {
  const table = renderTable(
    [...c.keys.map((title) => ({ title })), right('base'), right('target'), right('delta'), right('change'), { title: '' }],
    c.rows
      .slice(0, ROW_LIMIT)
      .map((row) => [...c.keys.map((key) => row[key]), formatNumber(row.base), formatNumber(row.target), formatDelta(row.delta), relative(row.ratio), row.change]),
  );
  const more = c.rows.length > ROW_LIMIT ? [`… ${formatNumber(c.rows.length - ROW_LIMIT)} more rows`] : [];
  return [
    table,
    ...more,
    `total (${c.unit}): ${formatNumber(c.total.base)} → ${formatNumber(c.total.target)} (${formatDelta(c.total.delta)}${c.total.ratio === null ? '' : `, ${relative(c.total.ratio)}`})`,
    `${formatNumber(c.appeared.length)} keys appeared, ${formatNumber(c.vanished.length)} vanished`,
  ].join('\n');
}

function renderStacksComparison(c: Kind<'stacks'>): string {
  const table = renderTable(
    [{ title: 'function' }, { title: 'module' }, right('self base'), right('self target'), right('Δ self'), right('total base'), right('total target'), right('Δ total')],
    c.functions
      .slice(0, ROW_LIMIT)
      .map((f) => [
        f.function,
        moduleLabel(f.module),
        formatShare(f.base.selfShare),
        formatShare(f.target.selfShare),
        points(f.delta.selfShare),
        formatShare(f.base.totalShare),
        formatShare(f.target.totalShare),
        points(f.delta.totalShare),
      ]),
  );
  return [table, `${c.unit}: ${formatNumber(c.base.total)} → ${formatNumber(c.target.total)}; shares of each side's total, most regressed first`].join('\n');
}
