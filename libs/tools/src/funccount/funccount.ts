import { u32, u64 } from '../../../bpf/src/index.js';
import type { CountsResult } from '../../../contracts/src/index.js';
import { attachProbes, loadProgramsFor, perRun, type ProbePrograms } from '../probes/attach.js';
import { resolveProbes } from '../probes/resolve.js';
import { parseProbeSpec } from '../probes/spec.js';
import { defineRunner } from '../runtime/runner.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { funccount, funccountSpecRules, type FunccountParams } from './funccount.schema.js';

/** funccount.bpf.c's generic programs, by the probe type each attaches to. */
const PROGRAMS: ProbePrograms = {
  uprobe: 'funccount_uprobe',
  uretprobe: 'funccount_uprobe',
  tracepoint: 'funccount_tracepoint',
  usdt: 'funccount_usdt',
  kprobe: 'funccount_kprobe',
  kretprobe: 'funccount_kprobe',
};

const probesOf = perRun((p: FunccountParams) =>
  resolveProbes(
    p.probes.map((spec) => parseProbeSpec(spec, funccountSpecRules)),
    { pid: p.pid },
  ),
);

const indexKey = (i: number) => {
  const key = Buffer.alloc(u32.size);
  key.writeUInt32LE(i);
  return key;
};

/**
 * funccount: the probe specs resolved on the host (a missing symbol or a non-ELF file fails the run before
 * anything is loaded), every probe attached with its index as cookie, calls counted per cookie in the
 * kernel. Rows `{ probe, count }` for the probes that fired, sorted by count descending.
 */
export default defineRunner(funccount, {
  layouts: { counts: { key: u32, value: u64 } },
  rodata: taskFilterRodata,
  beforeLoad: (obj, p) => loadProgramsFor(obj, probesOf(p), PROGRAMS),
  attach: (obj, p) => attachProbes(obj, probesOf(p), PROGRAMS, p.pid),
  collector: (obj, p) => ({
    empty: (): CountsResult => ({ kind: 'counts', keys: ['probe'], rows: [], total: 0 }),
    collect(): CountsResult {
      const counts = obj.map('counts');
      const rows = probesOf(p)
        .map(({ probe }, i) => ({ probe, count: Number(counts.sumPerCpuU64(indexKey(i))) }))
        .filter((row) => row.count > 0)
        .sort((a, b) => b.count - a.count || (a.probe < b.probe ? -1 : 1));
      return { kind: 'counts', keys: ['probe'], rows, total: rows.reduce((sum, r) => sum + r.count, 0) };
    },
  }),
});
