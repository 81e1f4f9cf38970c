/**
 * Parsing of `bpftrace -f json` output (one JSON object per line, bpftrace 0.17 shapes) and its
 * conversion to the result kinds of libs/contracts. Pure functions: the runner (runner.ts) feeds lines.
 *
 * Shapes seen from bpftrace 0.17:
 *   {"type": "attached_probes", "data": {"probes": 2}}
 *   {"type": "map",   "data": {"@c": 51}}                            count/sum/min/max, no key
 *   {"type": "map",   "data": {"@": {"python3": 3, "bash": 48}}}     keyed; several keys joined by ","
 *   {"type": "hist",  "data": {"@h": [{"min": 4, "max": 7, "count": 1}, {"max": -1, "count": 1}, {"min": 100, "count": 1}]}}
 *   {"type": "hist",  "data": {"@k": {"a": [ ...buckets ]}}}          keyed hist/lhist
 *   {"type": "stats", "data": {"@s": {"count": 1, "average": 5, "total": 5}}}   stats(); avg() gives a bare number
 *   {"type": "printf", "data": "hi 6645 bash\n"}                    also time / cat / join / syscall (system())
 *   {"type": "lost_events", "data": {"events": 3}}
 */
import type { CountsResult, EventsResult, HistogramResult } from '../../../contracts/src/results.js';
import { summarizeBuckets, type BucketsLike, type SummarizeOptions } from '../histogram/loglinear.js';

/** One bucket as bpftrace prints it: inclusive [min, max]; `min` absent below range, `max` absent above. */
export interface BpftraceHistBucket {
  min?: number;
  max?: number;
  count: number;
}

export interface BpftraceStatsValue {
  count: number;
  average: number;
  total: number;
}

type Keyed<T> = T | Record<string, T>;

/** What one bpftrace run printed. Maps keep their last printed snapshot (the one at exit). */
export interface BpftraceOutput {
  attachedProbes: number;
  /** `map` lines: count(), sum(), min(), max() and plain assignments, keyed or not. */
  maps: Record<string, Keyed<number | string>>;
  /** `hist` lines: hist() and lhist(), keyed or not. */
  hists: Record<string, Keyed<BpftraceHistBucket[]>>;
  /** `stats` lines: stats() (count/average/total) and avg() (a number). */
  stats: Record<string, Keyed<BpftraceStatsValue | number>>;
  /** Text lines from printf / time / cat / join / system(), split on newlines, at most `maxLines`. */
  lines: string[];
  /**
   * When each kept line was read (ms since the epoch), index by index: the time bpftrace handed it over,
   * which trails the event by up to one of its perf-buffer polls (print `nsecs` for the event's own time).
   */
  lineTimes: number[];
  /** Text lines beyond `maxLines`, counted, not kept. */
  droppedLines: number;
  /** Events the kernel could not hand to bpftrace (its perf buffer was full). */
  lostEvents: number;
  /** Output bpftrace printed that this parser does not understand (kept for diagnosis, bounded). */
  unparsed: string[];
}

export function emptyOutput(): BpftraceOutput {
  return { attachedProbes: 0, maps: {}, hists: {}, stats: {}, lines: [], lineTimes: [], droppedLines: 0, lostEvents: 0, unparsed: [] };
}

const TEXT_TYPES = new Set(['printf', 'time', 'cat', 'join', 'syscall']);
const MAX_UNPARSED = 100;

/**
 * Incremental parser: feed stdout lines in order. Text output may be split across printf calls
 * (`printf("a"); printf("b\n")`), so a partial line is held until its newline or `finish()`.
 */
export class BpftraceOutputParser {
  readonly output = emptyOutput();
  #partial = '';

  constructor(private readonly maxLines = 100_000) {}

  /** Parses one stdout line; returns the message type (e.g. 'attached_probes') or undefined. */
  feed(raw: string): string | undefined {
    const line = raw.trim();
    if (!line) return undefined;
    let msg: { type?: unknown; data?: unknown };
    try {
      msg = JSON.parse(line);
    } catch {
      this.#unparsed(line);
      return undefined;
    }
    const type = typeof msg?.type === 'string' ? msg.type : undefined;
    const data = msg?.data;
    const out = this.output;
    if (type === 'attached_probes' && isRecord(data)) {
      out.attachedProbes = Number(data.probes) || 0;
    } else if (type === 'lost_events' && isRecord(data)) {
      out.lostEvents += Number(data.events) || 0;
    } else if (type && TEXT_TYPES.has(type) && typeof data === 'string') {
      this.#text(data);
    } else if ((type === 'map' || type === 'hist' || type === 'stats') && isRecord(data)) {
      const target = type === 'map' ? out.maps : type === 'hist' ? out.hists : out.stats;
      for (const [name, value] of Object.entries(data)) (target as Record<string, unknown>)[name] = value;
    } else {
      this.#unparsed(line);
    }
    return type;
  }

  /** Flushes a trailing partial text line. */
  finish(): BpftraceOutput {
    if (this.#partial) this.#pushLine(this.#partial);
    this.#partial = '';
    return this.output;
  }

  #text(data: string): void {
    const parts = (this.#partial + data).split('\n');
    this.#partial = parts.pop()!;
    for (const p of parts) this.#pushLine(p);
  }

  #pushLine(line: string): void {
    if (this.output.lines.length < this.maxLines) {
      this.output.lines.push(line);
      this.output.lineTimes.push(Date.now());
    } else this.output.droppedLines++;
  }

  #unparsed(line: string): void {
    if (this.output.unparsed.length < MAX_UNPARSED) this.output.unparsed.push(line);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses a whole stdout text at once (tests, recorded output). */
export function parseBpftraceOutput(stdout: string, maxLines?: number): BpftraceOutput {
  const p = new BpftraceOutputParser(maxLines);
  for (const line of stdout.split('\n')) p.feed(line);
  return p.finish();
}

/** The single entry of `record` when `name` is not given; throws naming the candidates otherwise. */
function pick<T>(record: Record<string, T>, what: string, name?: string): [string, T] {
  if (name !== undefined) {
    if (!(name in record)) throw new Error(`bpftrace printed no ${what} named ${name} (have: ${Object.keys(record).join(', ') || 'none'})`);
    return [name, record[name]!];
  }
  const entries = Object.entries(record);
  if (entries.length !== 1) throw new Error(`expected exactly one bpftrace ${what}, got ${entries.length}: name it`);
  return entries[0]!;
}

/** A key part as a number when it is an integer literal (pids, cpus), else the string. */
function keyValue(s: string): string | number {
  if (/^-?\d{1,15}$/.test(s)) return Number(s);
  return s;
}

/**
 * Splits a printed map key into `n` parts. bpftrace 0.17 joins multi-key tuples with "," and does
 * not escape commas inside strings, so extra commas are given to the last part (put the string key,
 * e.g. comm, last in the tuple).
 */
export function splitKey(key: string, n: number): string[] {
  if (n <= 1) return [key];
  const parts = key.split(',');
  if (parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(',')];
}

/**
 * A count-like map (`@[comm] = count()`, sum(), …) as a CountsResult: one row per key with the key
 * columns named by `keys` and a `count` column, sorted by count descending. An unkeyed map gives one
 * row with only `count`.
 */
export function countsFromOutput(output: BpftraceOutput, opts: { map?: string; keys?: string[] } = {}): CountsResult {
  const [, value] = pick(output.maps, 'map', opts.map);
  return countsFromMap(value, opts.keys);
}

export function countsFromMap(value: Keyed<number | string>, keys: string[] = ['key']): CountsResult {
  if (!isRecord(value)) {
    const count = Number(value) || 0;
    return { kind: 'counts', keys: [], rows: [{ count }], total: count };
  }
  const rows = Object.entries(value).map(([k, v]) => {
    const parts = splitKey(k, keys.length);
    const row: Record<string, unknown> = {};
    keys.forEach((name, i) => (row[name] = keyValue(parts[i] ?? '')));
    row.count = Number(v) || 0;
    return row;
  });
  rows.sort((a, b) => (b.count as number) - (a.count as number));
  return { kind: 'counts', keys, rows, total: rows.reduce((s, r) => s + (r.count as number), 0) };
}

/**
 * bpftrace buckets (inclusive min..max) as half-open [lo, hi) buckets. Open-ended buckets (below
 * lhist's min, or hist's negative bucket `max: -1`; above lhist's max) collapse onto their edge.
 */
export function bucketsFromBpftrace(hist: BpftraceHistBucket[]): BucketsLike[] {
  return hist.map((b) => {
    if (b.min === undefined && b.max === undefined) return { lo: 0, hi: 1, count: b.count };
    if (b.min === undefined) return { lo: b.max!, hi: b.max! + 1, count: b.count };
    if (b.max === undefined) return { lo: b.min, hi: b.min + 1, count: b.count };
    return { lo: b.min, hi: b.max + 1, count: b.count };
  });
}

/**
 * A hist()/lhist() as a HistogramResult. Percentiles interpolate inside bpftrace's buckets, whose
 * resolution is a power of two for hist(): they can be off by up to 2× (docs/histograms.md). A keyed
 * histogram is merged over its keys unless `key` picks one. Pass exact sum/min/max (e.g. from a
 * stats() map) through `exact` when the program tracks them.
 */
export function histogramFromOutput(
  output: BpftraceOutput,
  unit: string,
  opts: { map?: string; key?: string; exact?: SummarizeOptions } = {},
): HistogramResult {
  const [name, value] = pick(output.hists, 'histogram', opts.map);
  let hist: BpftraceHistBucket[];
  if (Array.isArray(value)) hist = value;
  else if (opts.key !== undefined) {
    const h = value[opts.key];
    if (!h) throw new Error(`bpftrace histogram ${name} has no key ${opts.key}`);
    hist = h;
  } else hist = Object.values(value).flat();
  return histogramFromBuckets(hist, unit, opts.exact);
}

export function histogramFromBuckets(hist: BpftraceHistBucket[], unit: string, exact?: SummarizeOptions): HistogramResult {
  const merged = new Map<string, BucketsLike>();
  for (const b of bucketsFromBpftrace(hist)) {
    const k = `${b.lo}:${b.hi}`;
    const m = merged.get(k);
    if (m) m.count += b.count;
    else merged.set(k, { ...b });
  }
  const buckets = [...merged.values()].sort((a, b) => a.lo - b.lo);
  return summarizeBuckets(buckets, unit, exact);
}

/** Text output (printf etc.) as events with one `line` column. */
export function eventsFromOutput(output: BpftraceOutput): EventsResult {
  return {
    kind: 'events',
    columns: [{ name: 'line', type: 'string' }],
    rows: output.lines.map((line) => ({ line })),
    total: output.lines.length + output.droppedLines,
    dropped: output.droppedLines,
  };
}
