import { LOGLINEAR_SLOTS, char, defineStruct, summarize, u64, type BpfMap, type BpfObject, type FieldType } from '../../../bpf/src/index.js';
import type { HistogramGroup, HistogramResult } from '../../../contracts/src/index.js';

/** Mirrors `struct loglinear_totals` of loglinear.bpf.h. */
export const LoglinearTotals = defineStruct({ count: u64, sum: u64, min: u64, max: u64 });
/** Mirrors `struct loglinear_hist`: its u64 slots, read as numbers. */
export const LoglinearHist: FieldType<number[]> = {
  size: LOGLINEAR_SLOTS * 8,
  align: 8,
  read(buf, offset) {
    const slots = new Array<number>(LOGLINEAR_SLOTS);
    for (let i = 0; i < LOGLINEAR_SLOTS; i++) slots[i] = Number(buf.readBigUInt64LE(offset + i * 8));
    return slots;
  },
  write(buf, offset, slots) {
    for (let i = 0; i < LOGLINEAR_SLOTS; i++) buf.writeBigUInt64LE(BigInt(slots[i] ?? 0), offset + i * 8);
  },
};
/** Mirrors `struct loglinear_keyed`. */
export const LoglinearKeyed = defineStruct({ hist: LoglinearHist, comm: char(16) });

/** Sums the per-CPU copies of a histogram (u64 slots) into one slot array. */
export function sumSlots(copies: readonly Buffer[]): number[] {
  const slots = new Array<number>(LOGLINEAR_SLOTS).fill(0);
  for (const b of copies) for (let i = 0; i < LOGLINEAR_SLOTS; i++) slots[i]! += Number(b.readBigUInt64LE(i * 8));
  return slots;
}

/**
 * The whole-run histogram of a LOGLINEAR_HIST_MAP (`hist`), with exact count/sum/min/max from its
 * LOGLINEAR_TOTALS_MAP (`totals`, in the raw unit) when given. `perUnit` is the raw amount per histogram
 * unit (1000 for a µs histogram of ns); min and max are truncated to the unit as the kernel bucketed them.
 */
export function readHistogram(obj: BpfObject, unit: string, maps: { hist: string; totals?: string; perUnit?: number }): HistogramResult {
  const key = Buffer.alloc(4);
  const slots = sumSlots(obj.map(maps.hist).lookupPerCpu(key) ?? []);
  if (!maps.totals) return summarize(slots, unit);
  const perCpu = (obj.map(maps.totals).lookupPerCpu(key) ?? []).map((b) => LoglinearTotals.decode(b)).filter((t) => t.count > 0n);
  if (perCpu.length === 0) return summarize(slots, unit);
  const per = maps.perUnit ?? 1;
  const min = perCpu.reduce((m, t) => (t.min < m ? t.min : m), perCpu[0]!.min);
  const max = perCpu.reduce((m, t) => (t.max > m ? t.max : m), 0n);
  const sum = perCpu.reduce((s, t) => s + t.sum, 0n);
  return summarize(slots, unit, { min: Math.floor(Number(min) / per), max: Math.floor(Number(max) / per), sum: Number(sum) / per });
}

/**
 * The per-key histograms of a breakdown map (`struct loglinear_keyed` values), sorted by count descending;
 * `withComm` adds the comm the kernel stored when the key was first seen (per-process breakdowns).
 */
export function readKeyedHistograms(map: BpfMap, unit: string, withComm: boolean): HistogramGroup[] {
  const groups: HistogramGroup[] = [];
  for (const [k, v] of map.entries()) {
    const { hist, comm } = LoglinearKeyed.decode(v);
    const group: HistogramGroup = { key: k.readUInt32LE(0), histogram: summarize(hist, unit) };
    if (withComm) group.comm = comm;
    groups.push(group);
  }
  return groups.sort((a, b) => b.histogram.count - a.histogram.count || Number(a.key) - Number(b.key));
}
