import { char, defineStruct, u32, u64, type BpfObject } from '../../../bpf/src/index.js';
import type { CountsResult, HistogramResult } from '../../../contracts/src/index.js';
import { STR_LEN, filterSelection, valueSelection } from '../probes/args.js';
import { ProbeArgConfig, probeConfigs, showValue, writeProbeConfigs, type ProbeShape } from '../probes/args-config.js';
import { attachProbes, loadProgramsFor, type ProbePrograms } from '../probes/attach.js';
import { resolveProbes } from '../probes/resolve.js';
import { parseProbeSpec } from '../probes/spec.js';
import { LoglinearHist, LoglinearTotals, readHistogram } from '../runtime/histogram.js';
import { defineRunner } from '../runtime/runner.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { argdist, argdistSpecRules, type ArgdistParams } from './argdist.schema.js';

/** argdist.bpf.c's generic programs, by the probe type each attaches to. */
const PROGRAMS: ProbePrograms = {
  uprobe: 'argdist_uprobe',
  uretprobe: 'argdist_uprobe',
  tracepoint: 'argdist_tracepoint',
  usdt: 'argdist_usdt',
  kprobe: 'argdist_kprobe',
  kretprobe: 'argdist_kprobe',
};

/** argdist.h ARGDIST_MAX_VALUES. */
const MAX_VALUES = 10240;

/** Mirrors `struct argdist_key` of argdist.h. */
export const ArgdistKey = defineStruct({ num: u64, str: char(STR_LEN) });

/** The probe resolved on the host, and its configuration (a field the event lacks fails the run here, before anything is loaded). */
function prepare(p: ArgdistParams) {
  const probes = resolveProbes([parseProbeSpec(p.probe, argdistSpecRules)], { pid: p.pid });
  const value = valueSelection(p.value);
  return { probes, configs: probeConfigs(probes, [{ args: [value], filter: p.filter && filterSelection(p.filter, [value]) }]) };
}

function countsResult(obj: BpfObject, shape: ProbeShape, lostEvents: number): CountsResult {
  const type = shape.args[0]!;
  const rows = [...obj.map('counts').entries()]
    .map(([k, v]) => {
      const key = ArgdistKey.decode(k);
      return { value: showValue(type, key.num, key.str), count: Number(v.readBigUInt64LE(0)) };
    })
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const result: CountsResult = { kind: 'counts', keys: ['value'], rows, total: rows.reduce((sum, r) => sum + r.count, 0) };
  if (lostEvents) result.note = `${lostEvents} hits not counted: more than ${MAX_VALUES} distinct values`;
  return result;
}

function histogramResult(obj: BpfObject): HistogramResult {
  const result = readHistogram(obj, 'value', { hist: 'hist', totals: 'totals' });
  const negatives = Number(obj.map('negatives').sumPerCpuU64(Buffer.alloc(4)));
  if (negatives) result.note = `${negatives} negative values left out: a log-linear histogram holds values ≥ 0 (count them with mode counts)`;
  return result;
}

/**
 * argdist: the spec resolved on the host, the value and filter written as the probe's configuration
 * (a missing symbol, tracepoint or field fails the run before anything is loaded), the probe attached
 * with cookie 0. Histogram mode: a log-linear histogram (unit `value`) with exact count, sum, min and max;
 * negative values of an s64 counted apart and named in `note`. Counts mode: rows `{ value, count }` sorted
 * by count descending, values shown by their type (numbers, hex addresses, strings). Either mode with
 * `intervalSec` also per interval (the maps are only read: a snapshot is the result so far).
 */
export default defineRunner(argdist, {
  layouts: {
    probe_configs: { key: u32, value: ProbeArgConfig },
    counts: { key: ArgdistKey, value: u64 },
    hist: { key: u32, value: LoglinearHist },
    totals: { key: u32, value: LoglinearTotals },
    negatives: { key: u32, value: u64 },
  },
  rodata: (p) => ({ ...taskFilterRodata(p), count_values: p.mode === 'counts' }),
  prepare,
  beforeLoad: (obj, _p, { probes }) => loadProgramsFor(obj, probes, PROGRAMS),
  attach: (obj, p, { probes }) => attachProbes(obj, probes, PROGRAMS, p.pid),
  collector: (obj, p, _resources, { configs }) => {
    writeProbeConfigs(obj, configs);
    const shape = configs.shapes[0]!;
    const result = (lostEvents: number) => (p.mode === 'counts' ? countsResult(obj, shape, lostEvents) : histogramResult(obj));
    return { empty: () => result(0), snapshot: () => result(0), collect: ({ lostEvents }) => result(lostEvents) };
  },
});
