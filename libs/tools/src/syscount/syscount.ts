import { char, defineStruct, u32, u64 } from '../../../bpf/src/index.js';
import type { CountsResult } from '../../../contracts/src/index.js';
import { defineRunner } from '../runtime/runner.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { syscallName } from './syscall-names.js';
import { syscount, type SyscountParams } from './syscount.schema.js';

/** Mirrors `struct key_t` of syscount.h. */
export const SyscountKeyLayout = defineStruct({ nr: u32, pid: u32, comm: char(16) });
/** Mirrors `struct value_t` of syscount.h. */
export const SyscountValueLayout = defineStruct({ count: u64, total_ns: u64 });

/** The rodata config of syscount.bpf.c for these params. */
export function syscountConfig(p: SyscountParams) {
  return {
    ...taskFilterRodata(p),
    failed_only: p.failedOnly,
    measure_latency: p.latency,
    by_syscall: p.by.includes('syscall'),
    by_pid: p.by.includes('pid'),
    by_comm: p.by.includes('comm'),
  };
}

/**
 * syscount: counts aggregated in a kernel hash keyed by `by`; rows `{ syscall?, pid?, comm?, count,
 * totalLatencyNs? }` sorted by count descending; with `intervalSec` also per interval (the hash is only
 * read, so a snapshot is the counts so far). `lostEvents` counts syscalls not recorded because the map
 * was full.
 */
export default defineRunner(syscount, {
  layouts: { counts: { key: SyscountKeyLayout, value: SyscountValueLayout } },
  rodata: syscountConfig,
  collector: (obj, p) => {
    const read = (): CountsResult => {
      const rows: Record<string, unknown>[] = [];
      let total = 0;
      for (const [k, v] of obj.map('counts').entries()) {
        const key = SyscountKeyLayout.decode(k);
        const val = SyscountValueLayout.decode(v);
        const row: Record<string, unknown> = {};
        if (p.by.includes('syscall')) row.syscall = syscallName(key.nr);
        if (p.by.includes('pid')) row.pid = key.pid;
        if (p.by.includes('comm')) row.comm = key.comm;
        row.count = Number(val.count);
        if (p.latency) row.totalLatencyNs = Number(val.total_ns);
        total += row.count as number;
        rows.push(row);
      }
      rows.sort((a, b) => (b.count as number) - (a.count as number));
      return { kind: 'counts', keys: p.by, rows, total };
    };
    return { empty: (): CountsResult => ({ kind: 'counts', keys: p.by, rows: [], total: 0 }), collect: read, snapshot: read };
  },
});
