import { BpfObject, bpfObjectPath, cgroupId, char, defineStruct, u64, type BpfMap } from '../../../bpf/src/index.js';
import { LOGLINEAR_SLOTS, summarize } from '../../../bpf/src/histogram/loglinear.js';
import type { HistogramGroup, HistogramResult } from '../../../contracts/src/index.js';
import type { ToolRunner } from '../definition.js';
import { traceWindow } from '../trace-window.js';
import type { RunqlatParams, RunqlatUnit } from './runqlat.schema.js';

/** Mirrors `struct runqlat_totals` of runqlat.h. */
export const RunqlatTotals = defineStruct({ count: u64, sum_ns: u64, min_ns: u64, max_ns: u64 });
/** Byte size of `struct loglinear_hist`. */
const HIST_SIZE = LOGLINEAR_SLOTS * 8;
/** Mirrors the `comm` that follows the histogram in `struct runqlat_keyed`. */
const KeyedComm = defineStruct({ comm: char(16) });

const UNIT_NS: Record<RunqlatUnit, number> = { us: 1_000, ms: 1_000_000 };

/**
 * runqlat's result: the total histogram, plus, when a breakdown was asked for, one histogram per key
 * (`groups`, sorted by count descending; per pid with the process's comm when first seen).
 */
export type RunqlatResult = HistogramResult;

/** The rodata config of runqlat.bpf.c for these params. */
export function runqlatConfig(p: RunqlatParams) {
  if (p.perPid && p.perCpu) throw new RangeError('perPid and perCpu are exclusive');
  return {
    targ_tgid: p.pid,
    targ_tid: p.tid,
    filter_comm: p.comm !== undefined,
    targ_comm: p.comm,
    filter_cg: p.cgroup !== undefined,
    targ_cgid: p.cgroup !== undefined ? cgroupId(p.cgroup) : undefined,
    unit_ns: UNIT_NS[p.unit ?? 'us'],
    per_pid: p.perPid ?? false,
    per_cpu: p.perCpu ?? false,
  };
}

/** Sums the per-CPU copies of a histogram (u64 slots) into one slot array. */
function sumSlots(copies: readonly Buffer[]): number[] {
  const slots = new Array<number>(LOGLINEAR_SLOTS).fill(0);
  for (const b of copies) for (let i = 0; i < LOGLINEAR_SLOTS; i++) slots[i]! += Number(b.readBigUInt64LE(i * 8));
  return slots;
}

function slotsOf(buf: Buffer): number[] {
  const slots = new Array<number>(LOGLINEAR_SLOTS);
  for (let i = 0; i < LOGLINEAR_SLOTS; i++) slots[i] = Number(buf.readBigUInt64LE(i * 8));
  return slots;
}

function readTotal(obj: BpfObject, unit: RunqlatUnit): HistogramResult {
  const key = Buffer.alloc(4);
  const slots = sumSlots(obj.map('hist').lookupPerCpu(key) ?? []);
  const perCpu = (obj.map('totals').lookupPerCpu(key) ?? []).map((b) => RunqlatTotals.decode(b)).filter((t) => t.count > 0n);
  if (perCpu.length === 0) return summarize(slots, unit);
  const ns = UNIT_NS[unit];
  const minNs = perCpu.reduce((m, t) => (t.min_ns < m ? t.min_ns : m), perCpu[0]!.min_ns);
  const maxNs = perCpu.reduce((m, t) => (t.max_ns > m ? t.max_ns : m), 0n);
  const sumNs = perCpu.reduce((s, t) => s + t.sum_ns, 0n);
  // min/max as the kernel bucketed them (truncated to the unit), the sum exact in the unit.
  return summarize(slots, unit, { min: Math.floor(Number(minNs) / ns), max: Math.floor(Number(maxNs) / ns), sum: Number(sumNs) / ns });
}

function readGroups(map: BpfMap, unit: RunqlatUnit, perPid: boolean): HistogramGroup[] {
  const groups: HistogramGroup[] = [];
  for (const [k, v] of map.entries()) {
    const group: HistogramGroup = { key: k.readUInt32LE(0), histogram: summarize(slotsOf(v), unit) };
    if (perPid) group.comm = KeyedComm.decode(v, HIST_SIZE).comm;
    groups.push(group);
  }
  return groups.sort((a, b) => b.histogram.count - a.histogram.count || Number(a.key) - Number(b.key));
}

/**
 * Runs runqlat: the distribution of run-queue latency of the tasks passing the filters over the run,
 * in `unit`; with perPid/perCpu also one histogram per process/CPU in `groups`. Percentiles are read
 * from log-linear buckets (within 1/16 of the truth); count, sum, min and max are exact (to the unit).
 * `lostEvents` counts latencies left out of the breakdown because it had 1024 keys already.
 */
export const runRunqlat: ToolRunner<RunqlatParams> = async (ctx) => {
  const start = performance.now();
  const unit = ctx.params.unit ?? 'us';
  const by = ctx.params.perPid ? 'pid' : ctx.params.perCpu ? 'cpu' : undefined;
  const stack = new DisposableStack();
  try {
    const obj = stack.use(BpfObject.open(bpfObjectPath('runqlat'), { minimizedBtf: true }));
    obj.setRodata(runqlatConfig(ctx.params));
    obj.load();
    const opened = performance.now();
    if (ctx.signal.aborted) return { result: summarize([], unit), stats: {} };

    const { attachedAt: attached, tracedMs } = await traceWindow(obj, stack, ctx);

    const result: RunqlatResult = readTotal(obj, unit);
    if (by) {
      result.by = by;
      result.groups = readGroups(obj.map('keyed'), unit, by === 'pid');
    }
    const lost = Number(obj.map('dropped').sumPerCpuU64(Buffer.alloc(4)));
    return {
      result,
      stats: {
        lostEvents: lost,
        attachMs: Math.round(attached - start),
        loadMs: Math.round(opened - start),
        tracedMs: Math.round(tracedMs),
      },
    };
  } finally {
    stack.dispose();
  }
};
