import type { HistogramResult } from '../../../contracts/src/index.js';
import { LoglinearHist, LoglinearKeyed, LoglinearTotals, readHistogram, readKeyedHistograms } from '../runtime/histogram.js';
import { defineRunner } from '../runtime/runner.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { cpudist, type CpudistParams, type CpudistUnit } from './cpudist.schema.js';

const UNIT_NS: Record<CpudistUnit, number> = { us: 1_000, ms: 1_000_000 };

/** The rodata config of cpudist.bpf.c for these params. */
export function cpudistConfig(p: CpudistParams) {
  return { ...taskFilterRodata(p), unit_ns: UNIT_NS[p.unit], off_cpu: p.offCpu, per_pid: p.perPid };
}

/**
 * cpudist: the distribution of the on-CPU times (or, with offCpu, off-CPU times) of the tasks passing the
 * filters, in `unit`; with perPid also one histogram per process in `groups` (sorted by count descending,
 * with the process's comm when first seen). Only intervals that both began and ended while the probe was
 * attached count. Percentiles are within 1/16 of the truth; count, sum, min and max are exact (to the
 * unit). With `intervalSec` also the whole histogram per interval of the run (the maps are only read: a
 * snapshot is the histogram so far, without groups). `lostEvents` counts intervals lost to a full start
 * map or left out of a full breakdown.
 */
export default defineRunner(cpudist, {
  layouts: { hist: { value: LoglinearHist }, totals: { value: LoglinearTotals }, keyed: { value: LoglinearKeyed } },
  rodata: cpudistConfig,
  collector: (obj, p) => ({
    empty: () => readHistogram(obj, p.unit, { hist: 'hist' }),
    snapshot: () => readHistogram(obj, p.unit, { hist: 'hist', totals: 'totals', perUnit: UNIT_NS[p.unit] }),
    collect(): HistogramResult {
      const result = readHistogram(obj, p.unit, { hist: 'hist', totals: 'totals', perUnit: UNIT_NS[p.unit] });
      if (p.perPid) {
        result.by = 'pid';
        result.groups = readKeyedHistograms(obj.map('keyed'), p.unit, true);
      }
      return result;
    },
  }),
});
