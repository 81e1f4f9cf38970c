import { summarize, type BpfObject } from '../../../bpf/src/index.js';
import type { HistogramGroup, HistogramResult } from '../../../contracts/src/index.js';
import { LoglinearHist, LoglinearTotals, readHistogram } from '../runtime/histogram.js';
import { defineRunner } from '../runtime/runner.js';
import { runqlen, type RunqlenParams } from './runqlen.schema.js';

const UNIT = 'tasks';
const KEY = Buffer.alloc(4);

/** The rodata config of runqlen.bpf.c for these params. */
export function runqlenConfig(p: RunqlenParams) {
  return { whole_cpu: p.queue === 'cpu' };
}

/**
 * One histogram per CPU that was sampled: every sample lands in its own CPU's copy of the per-CPU maps,
 * so copy i is CPU i's histogram, with its exact totals.
 */
function perCpuHistograms(obj: BpfObject): HistogramGroup[] {
  const hists = obj.map('hist').lookupPerCpu(KEY) ?? [];
  const totals = obj.map('totals').lookupPerCpu(KEY) ?? [];
  const groups: HistogramGroup[] = [];
  hists.forEach((copy, cpu) => {
    const t = LoglinearTotals.decode(totals[cpu]!);
    if (t.count === 0n) return;
    groups.push({ key: cpu, histogram: summarize(LoglinearHist.read(copy, 0), UNIT, { min: t.min, max: t.max, sum: t.sum }) });
  });
  return groups.sort((a, b) => b.histogram.count - a.histogram.count || Number(a.key) - Number(b.key));
}

/**
 * runqlen: the distribution of run-queue lengths (tasks waiting, the running one excluded) over every
 * sample of every CPU; with perCpu also one histogram per CPU in `groups` (sorted by count descending).
 * Lengths below 32 are exact. A CPU's occupancy (share of samples with a queue) is 1 − its [0, 1)
 * bucket's count / count. With `intervalSec` also the whole histogram per interval (the maps are only
 * read: a snapshot is the histogram so far, without groups).
 */
export default defineRunner(runqlen, {
  layouts: { hist: { value: LoglinearHist }, totals: { value: LoglinearTotals } },
  rodata: runqlenConfig,
  attach: (obj, p) => obj.program('runqlen_sample').attachPerfSampling({ frequency: p.frequencyHz }),
  collector: (obj, p) => ({
    empty: () => readHistogram(obj, UNIT, { hist: 'hist' }),
    snapshot: () => readHistogram(obj, UNIT, { hist: 'hist', totals: 'totals' }),
    collect(): HistogramResult {
      const result = readHistogram(obj, UNIT, { hist: 'hist', totals: 'totals' });
      if (p.perCpu) {
        result.by = 'cpu';
        result.groups = perCpuHistograms(obj);
      }
      return result;
    },
  }),
});
