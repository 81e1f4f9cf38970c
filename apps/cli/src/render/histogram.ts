import type { HistogramResult } from '../api/results.js';
import { formatNumber } from './format.js';
import { renderTable } from './table.js';

/** The width of the longest bar, in characters. */
const BAR_WIDTH = 40;
const PERCENTILES = ['p50', 'p90', 'p99'] as const;

interface Row {
  lo: number;
  hi: number;
  count: number;
}

/**
 * A histogram for a terminal, one row per power of two (like BCC's `hist`): the log-linear buckets (16 per
 * power of two) merged into their power, from the first to the last non-empty one, empty powers between
 * them kept so that gaps show. Each row: its range [from, to), its count, a bar scaled to the largest row
 * (at least one `*` when the count is not 0) and the percentiles whose value falls in it. Then a line with
 * count, min, p50, p90, p99 and max in the result's unit; a per-key breakdown (`groups`) follows as a table.
 * An empty histogram gives only its summary line.
 */
export function renderHistogram(result: HistogramResult): string {
  const rows = powerRows(result.buckets);
  const peak = Math.max(0, ...rows.map((row) => row.count));
  const table = renderTable(
    [
      { title: `${result.unit} from`, align: 'right' },
      { title: 'to', align: 'right' },
      { title: 'count', align: 'right' },
      { title: 'distribution' },
      { title: '' },
    ],
    rows.map((row) => [
      formatNumber(row.lo),
      formatNumber(row.hi),
      formatNumber(row.count),
      `|${bar(row.count, peak).padEnd(BAR_WIDTH)}|`,
      PERCENTILES.filter((p) => result[p] >= row.lo && result[p] < row.hi).join(' '),
    ]),
  );
  const parts = [rows.length > 0 ? `${table}\n` : '', summaryLine(result)];
  if (result.groups && result.groups.length > 0) parts.push(`\n\n${groupsTable(result)}`);
  return parts.join('');
}

/** `count 1,000  min 1  p50 20  p90 95  p99 120  max 130 (us)`. */
export function summaryLine(h: HistogramResult): string {
  const figures = [['count', h.count], ['min', h.min], ['p50', h.p50], ['p90', h.p90], ['p99', h.p99], ['max', h.max]] as const;
  return `${figures.map(([name, value]) => `${name} ${formatNumber(value)}`).join('  ')} (${h.unit})`;
}

function groupsTable(h: HistogramResult): string {
  const withComm = h.groups!.some((g) => g.comm !== undefined);
  return renderTable(
    [
      { title: h.by ?? 'key' },
      ...(withComm ? [{ title: 'comm' }] : []),
      ...['count', 'p50', 'p90', 'p99', 'max'].map((title) => ({ title, align: 'right' as const })),
    ],
    h.groups!.map(({ key, comm, histogram: g }) => [key, ...(withComm ? [comm] : []), ...[g.count, g.p50, g.p90, g.p99, g.max].map(formatNumber)]),
  );
}

function bar(count: number, peak: number): string {
  if (count === 0) return '';
  return '*'.repeat(Math.max(1, Math.round((count / peak) * BAR_WIDTH)));
}

/** Buckets merged by the power of two their lower bound is in ([0, 1) apart), first to last non-empty. */
function powerRows(buckets: HistogramResult['buckets']): Row[] {
  const byPower = new Map<number, Row>();
  for (const bucket of buckets) {
    if (bucket.count === 0) continue;
    const power = bucket.lo < 1 ? -1 : Math.floor(Math.log2(bucket.lo));
    const row = byPower.get(power) ?? { lo: rowLo(power), hi: rowLo(power + 1), count: 0 };
    row.count += bucket.count;
    row.hi = Math.max(row.hi, bucket.hi);
    byPower.set(power, row);
  }
  if (byPower.size === 0) return [];
  const powers = [...byPower.keys()];
  const rows: Row[] = [];
  for (let power = Math.min(...powers); power <= Math.max(...powers); power++) {
    rows.push(byPower.get(power) ?? { lo: rowLo(power), hi: rowLo(power + 1), count: 0 });
  }
  return rows;
}

const rowLo = (power: number): number => (power < 0 ? 0 : 2 ** power);
