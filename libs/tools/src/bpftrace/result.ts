/**
 * bpftrace's printed output as the result kind its program declares (program.ts). Defensive: a map the
 * program declares but bpftrace did not print (no event reached it) gives no rows, a value of an
 * unexpected shape is skipped, and whatever the result leaves out is named in its `note`.
 */
import { histogramFromBuckets, type BpftraceHistBucket, type BpftraceOutput } from '../../../bpf/src/bpftrace/output.js';
import type { CountsResult, EventsResult, HistogramGroup, HistogramResult } from '../../../contracts/src/index.js';
import { mapsOfKind, type AggregationMap, type BpftraceResultKind } from './program.js';

/** bpftrace's histograms carry no unit: the program knows what it measured. */
const UNIT = 'value';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** A printed key as a number when it is an integer (pids, cpus); multi-keys stay bpftrace's "a,b" text. */
const keyValue = (key: string): string | number => (/^-?\d{1,15}$/.test(key) ? Number(key) : key);

/** A map's printed value as [key, value] pairs; an unkeyed map has one pair, keyed null. */
function entriesOf(map: AggregationMap, printed: unknown): [string | number | null, unknown][] {
  if (!map.keyed) return [[null, printed]];
  return isRecord(printed) ? Object.entries(printed).map(([k, v]) => [keyValue(k), v]) : [];
}

/** The value columns of one count-like entry: count() etc. print a number, stats() count/average/total, avg() a number. */
function valueColumns(map: AggregationMap, value: unknown): Record<string, number> | undefined {
  if (map.aggregation === 'avg') return isFiniteNumber(value) ? { average: value } : undefined;
  if (map.aggregation === 'stats') {
    if (!isRecord(value) || ![value.count, value.average, value.total].every(isFiniteNumber)) return undefined;
    return { count: value.count as number, average: value.average as number, total: value.total as number };
  }
  return isFiniteNumber(value) ? { count: value } : undefined;
}

function counts(maps: AggregationMap[], output: BpftraceOutput): CountsResult {
  const rows: Record<string, unknown>[] = [];
  for (const map of maps) {
    const printed = map.aggregation === 'avg' || map.aggregation === 'stats' ? output.stats[map.name] : output.maps[map.name];
    if (printed === undefined) continue;
    const mapRows = entriesOf(map, printed).flatMap(([key, value]) => {
      const columns = valueColumns(map, value);
      return columns ? [{ key, columns, rank: columns.count ?? columns.average ?? 0 }] : [];
    });
    mapRows.sort((a, b) => b.rank - a.rank);
    rows.push(...mapRows.map(({ key, columns }) => ({ map: map.name, key, ...columns })));
  }
  return { kind: 'counts', keys: ['map', 'key'], rows, total: rows.reduce((n, r) => n + ((r.count as number | undefined) ?? 0), 0) };
}

const isBuckets = (v: unknown): v is BpftraceHistBucket[] => Array.isArray(v) && v.every((b) => isRecord(b) && isFiniteNumber(b.count));

/**
 * The first hist map (merged over its keys) on top; one group per key of a keyed map (`by: 'key'`), or,
 * when the program has several hist maps, one per map and key (`by: 'map'`, keys `@a`, `@b[key]`).
 */
function histogram(maps: AggregationMap[], output: BpftraceOutput): HistogramResult {
  const series = maps.flatMap((map) => {
    const printed = output.hists[map.name];
    if (printed === undefined) return [];
    return entriesOf(map, printed).flatMap(([key, buckets]) => (isBuckets(buckets) ? [{ map: map.name, key, buckets }] : []));
  });
  const first = series.filter((s) => s.map === maps[0]?.name);
  const top = histogramFromBuckets(first.flatMap((s) => s.buckets), UNIT);
  const several = maps.length > 1;
  if (!several && !maps[0]?.keyed) return top;
  const groups: HistogramGroup[] = series.map((s) => ({
    key: several ? (s.key === null ? s.map : `${s.map}[${s.key}]`) : s.key!,
    histogram: histogramFromBuckets(s.buckets, UNIT),
  }));
  groups.sort((a, b) => b.histogram.count - a.histogram.count);
  return { ...top, by: several ? 'map' : 'key', groups };
}

function events(output: BpftraceOutput): EventsResult {
  return {
    kind: 'events',
    columns: [
      { name: 'ts', type: 'timestamp' },
      { name: 'line', type: 'string' },
    ],
    rows: output.lines.map((line, i) => ({ ts: new Date(output.lineTimes[i]!).toISOString(), line })),
    total: output.lines.length + output.droppedLines,
    dropped: output.droppedLines,
  };
}

/** What bpftrace printed that a result of `kind` leaves out, in words; undefined when nothing. */
function leftOut(kind: BpftraceResultKind, used: AggregationMap[], output: BpftraceOutput, killed: boolean): string | undefined {
  const usedNames = new Set(used.map((m) => m.name));
  const otherMaps = [...Object.keys(output.maps), ...Object.keys(output.hists), ...Object.keys(output.stats)].filter((n) => !usedNames.has(n));
  const parts: string[] = [];
  if (killed) parts.push('bpftrace ignored SIGINT and was killed before printing its maps');
  if (kind !== 'events' && output.lines.length + output.droppedLines > 0) parts.push(`${output.lines.length + output.droppedLines} text line(s) not kept (a program with aggregation maps reports them)`);
  if (otherMaps.length > 0) parts.push(`maps not in this ${kind} result: ${[...new Set(otherMaps)].join(', ')}`);
  if (output.unparsed.length > 0) parts.push(`${output.unparsed.length} output line(s) bpftrace printed were not understood`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

export type BpftraceResult = CountsResult | HistogramResult | EventsResult;

/** The result of a run of a program with these aggregation maps, of the kind its text declares. */
export function bpftraceResult(kind: BpftraceResultKind, maps: AggregationMap[], output: BpftraceOutput, killed = false): BpftraceResult {
  const used = mapsOfKind(maps, kind);
  const result: BpftraceResult = kind === 'histogram' ? histogram(used, output) : kind === 'counts' ? counts(used, output) : events(output);
  const note = leftOut(kind, used, output, killed);
  return note ? { ...result, note } : result;
}
