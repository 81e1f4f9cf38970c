import type { HistogramResult } from '../../../contracts/src/index.js';
import { LoglinearHist, LoglinearKeyed, LoglinearTotals, readHistogram, readKeyedHistograms } from '../runtime/histogram.js';
import { defineRunner } from '../runtime/runner.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { runqlat, type RunqlatParams, type RunqlatUnit } from './runqlat.schema.js';

const UNIT_NS: Record<RunqlatUnit, number> = { us: 1_000, ms: 1_000_000 };

/** The rodata config of runqlat.bpf.c for these params. */
export function runqlatConfig(p: RunqlatParams) {
  if (p.perPid && p.perCpu) throw new RangeError('perPid and perCpu are exclusive');
  return { ...taskFilterRodata(p), unit_ns: UNIT_NS[p.unit], per_pid: p.perPid, per_cpu: p.perCpu };
}

/**
 * runqlat: the distribution of run-queue latency of the tasks passing the filters over the run, in
 * `unit`; with perPid/perCpu also one histogram per process/CPU in `groups` (sorted by count descending;
 * per pid with the process's comm when first seen). Percentiles are read from log-linear buckets (within
 * 1/16 of the truth); count, sum, min and max are exact (to the unit). With `intervalSec` also the whole
 * histogram per interval (the maps are only read: a snapshot is the histogram so far, without groups).
 * `lostEvents` counts latencies left out of the breakdown because it had 1024 keys already.
 */
export default defineRunner(runqlat, {
  layouts: { hist: { value: LoglinearHist }, totals: { value: LoglinearTotals }, keyed: { value: LoglinearKeyed } },
  rodata: runqlatConfig,
  collector: (obj, p) => ({
    empty: () => readHistogram(obj, p.unit, { hist: 'hist' }),
    snapshot: () => readHistogram(obj, p.unit, { hist: 'hist', totals: 'totals', perUnit: UNIT_NS[p.unit] }),
    collect(): HistogramResult {
      const result = readHistogram(obj, p.unit, { hist: 'hist', totals: 'totals', perUnit: UNIT_NS[p.unit] });
      const by = p.perPid ? 'pid' : p.perCpu ? 'cpu' : undefined;
      if (by) {
        result.by = by;
        result.groups = readKeyedHistograms(obj.map('keyed'), p.unit, by === 'pid');
      }
      return result;
    },
  }),
});
