import { BpfObject, bpfObjectPath, cgroupId, char, defineStruct, u32, u64 } from '../../../bpf/src/index.js';
import type { CountsResult } from '../../../contracts/src/index.js';
import type { ToolRunner } from '../definition.js';
import { traceWindow } from '../trace-window.js';
import { syscallName } from './syscall-names.js';
import type { SyscountKey, SyscountParams } from './syscount.schema.js';

/** Mirrors `struct key_t` of syscount.h. */
export const SyscountKeyLayout = defineStruct({ nr: u32, pid: u32, comm: char(16) });
/** Mirrors `struct value_t` of syscount.h. */
export const SyscountValueLayout = defineStruct({ count: u64, total_ns: u64 });

/** The rodata config of syscount.bpf.c for these params. */
export function syscountConfig(p: SyscountParams) {
  const by = new Set<SyscountKey>(p.by ?? ['syscall']);
  return {
    targ_pid: p.pid,
    targ_tid: p.tid,
    targ_uid: p.uid,
    filter_comm: p.comm !== undefined,
    targ_comm: p.comm,
    filter_cg: p.cgroup !== undefined,
    targ_cgid: p.cgroup !== undefined ? cgroupId(p.cgroup) : undefined,
    failed_only: p.failedOnly ?? false,
    measure_latency: p.latency ?? false,
    by_syscall: by.has('syscall'),
    by_pid: by.has('pid'),
    by_comm: by.has('comm'),
  };
}

/**
 * Runs syscount: counts aggregated in a kernel hash keyed by `by`; rows `{ syscall?, pid?, comm?, count,
 * totalLatencyNs? }` sorted by count descending. `lostEvents` counts syscalls not recorded because the
 * map was full.
 */
export const runSyscount: ToolRunner<SyscountParams> = async (ctx) => {
  const start = performance.now();
  const by: SyscountKey[] = ctx.params.by ?? ['syscall'];
  const stack = new DisposableStack();
  try {
    const obj = stack.use(BpfObject.open(bpfObjectPath('syscount'), { minimizedBtf: true }));
    obj.setRodata(syscountConfig(ctx.params));
    obj.load();
    const empty: CountsResult = { kind: 'counts', keys: by, rows: [], total: 0 };
    if (ctx.signal.aborted) return { result: empty, stats: {} };

    const { attachedAt: attached, tracedMs } = await traceWindow(obj, stack, ctx);

    const rows: Record<string, unknown>[] = [];
    let total = 0;
    for (const [k, v] of obj.map('counts').entries()) {
      const key = SyscountKeyLayout.decode(k);
      const val = SyscountValueLayout.decode(v);
      const row: Record<string, unknown> = {};
      if (by.includes('syscall')) row.syscall = syscallName(key.nr);
      if (by.includes('pid')) row.pid = key.pid;
      if (by.includes('comm')) row.comm = key.comm;
      row.count = Number(val.count);
      if (ctx.params.latency) row.totalLatencyNs = Number(val.total_ns);
      total += row.count as number;
      rows.push(row);
    }
    rows.sort((a, b) => (b.count as number) - (a.count as number));
    const lost = Number(obj.map('dropped').sumPerCpuU64(Buffer.alloc(4)));
    return {
      result: { kind: 'counts', keys: by, rows, total },
      stats: { lostEvents: lost, attachMs: Math.round(attached - start), tracedMs: Math.round(tracedMs) },
    };
  } finally {
    stack.dispose();
  }
};
