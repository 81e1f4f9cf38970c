/**
 * What a bpftrace program's text says about its result, read without bpftrace (the API decides the result
 * kind before any host sees the program). Only the aggregations matter: a map assigned a plain value
 * (`@start[tid] = nsecs`) is the program's scratch state, not something it reports.
 */
import type { ResultKind } from '../../../contracts/src/index.js';

export type Aggregation = 'count' | 'sum' | 'min' | 'max' | 'avg' | 'stats' | 'hist' | 'lhist' | 'increment';

export interface AggregationMap {
  /** As bpftrace prints it: `@` for the anonymous map, else `@name`. */
  name: string;
  aggregation: Aggregation;
  /** Written with a key (`@x[comm] = …`): printed as one value per key. */
  keyed: boolean;
}

export type BpftraceResultKind = Extract<ResultKind, 'counts' | 'histogram' | 'events'>;

// Comments and string literals blanked out, so that `printf("@x = count()")` is not code.
const NOT_CODE = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"/g;
// `@name[key] = fn(` or `@name[key]++` / `+=` / `--` / `-=`; a key stops at a statement or block boundary.
const AGGREGATION_WRITE = /(@[A-Za-z0-9_]*)\s*(\[[^;{}]*?\])?\s*(?:=\s*(count|sum|min|max|avg|stats|hist|lhist)\s*\(|(\+\+|--|\+=|-=))/g;

/** The program's aggregation maps, each once (its first write), in the order the program writes them. */
export function aggregationMaps(program: string): AggregationMap[] {
  const found = new Map<string, AggregationMap>();
  for (const m of program.replace(NOT_CODE, ' ').matchAll(AGGREGATION_WRITE)) {
    const name = m[1]!;
    if (!found.has(name)) found.set(name, { name, aggregation: (m[3] as Aggregation | undefined) ?? 'increment', keyed: m[2] !== undefined });
  }
  return [...found.values()];
}

const isHistogram = (m: AggregationMap) => m.aggregation === 'hist' || m.aggregation === 'lhist';

/**
 * The result kind of a program: `histogram` when it has a hist()/lhist() map, else `counts` when it has
 * another aggregation map, else `events` (its printf lines).
 */
export function programResultKind(program: string): BpftraceResultKind {
  const maps = aggregationMaps(program);
  if (maps.some(isHistogram)) return 'histogram';
  return maps.length > 0 ? 'counts' : 'events';
}

/** The maps a result of `kind` is made of. */
export function mapsOfKind(maps: AggregationMap[], kind: BpftraceResultKind): AggregationMap[] {
  if (kind === 'events') return [];
  return maps.filter((m) => isHistogram(m) === (kind === 'histogram'));
}
