import { u32, u64 } from '../../../bpf/src/index.js';
import type { CountsResult } from '../../../contracts/src/index.js';
import { attachProbes, loadProgramsFor, type ProbePrograms } from '../probes/attach.js';
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

const probesOf = (p: FunccountParams) =>
  resolveProbes(
    p.probes.map((spec) => parseProbeSpec(spec, funccountSpecRules)),
    { pid: p.pid },
  );

const indexKey = (i: number) => {
  const key = Buffer.alloc(u32.size);
  key.writeUInt32LE(i);
  return key;
};

/**
 * funccount: the probe specs resolved on the host (a missing symbol or a non-ELF file fails the run before
 * anything is loaded), every probe attached with its index as cookie, calls counted per cookie in the
 * kernel. Rows `{ probe, count }` for the probes that fired, sorted by count descending; with `intervalSec`
 * also per interval (the counts are only read: a snapshot is the counts so far).
 */
export default defineRunner(funccount, {
  layouts: { counts: { key: u32, value: u64 } },
  rodata: taskFilterRodata,
  prepare: probesOf,
  beforeLoad: (obj, _p, probes) => loadProgramsFor(obj, probes, PROGRAMS),
  attach: (obj, p, probes) => attachProbes(obj, probes, PROGRAMS, p.pid),
  collector: (obj, _p, _resources, probes) => {
    const read = (): CountsResult => {
      const counts = obj.map('counts');
      const rows = probes
        .map(({ probe }, i) => ({ probe, count: Number(counts.sumPerCpuU64(indexKey(i))) }))
        .filter((row) => row.count > 0)
        .sort((a, b) => b.count - a.count || (a.probe < b.probe ? -1 : 1));
      return { kind: 'counts', keys: ['probe'], rows, total: rows.reduce((sum, r) => sum + r.count, 0) };
    };
    return { empty: (): CountsResult => ({ kind: 'counts', keys: ['probe'], rows: [], total: 0 }), collect: read, snapshot: read };
  },
});
