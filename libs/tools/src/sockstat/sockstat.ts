import { char, defineStruct, u32, u64, type BpfObject } from '../../../bpf/src/index.js';
import type { CountsResult } from '../../../contracts/src/index.js';
import { defineRunner } from '../runtime/runner.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { SOCKET_SYSCALLS, sockstat, type SockstatParams } from './sockstat.schema.js';

/** Mirrors `struct key_t` of sockstat.h. */
export const SockstatKey = defineStruct({ syscall: u32, pid: u32, comm: char(16) });

/** The rodata config of sockstat.bpf.c for these params. */
export function sockstatConfig(p: SockstatParams) {
  return {
    ...taskFilterRodata(p),
    by_syscall: p.by.includes('syscall'),
    by_pid: p.by.includes('pid'),
    by_comm: p.by.includes('comm'),
  };
}

/** The programs of this run: one per syscall counted (`on_<syscall>` in sockstat.bpf.c). */
const programsOf = (obj: BpfObject, p: SockstatParams) => (p.syscalls ?? SOCKET_SYSCALLS).map((name) => obj.program(`on_${name}`));

/**
 * sockstat: counts kept in a kernel hash keyed by `by`; rows `{ syscall?, pid?, comm?, count }` sorted by count
 * descending. With `intervalSec` the result also has a `series` (runtime/series.ts): the hash is only read,
 * never drained, so a snapshot is the counts so far and an interval the difference of two. `lostEvents`
 * counts calls not recorded because the map was full.
 */
export default defineRunner(sockstat, {
  layouts: { counts: { key: SockstatKey, value: u64 } },
  rodata: sockstatConfig,
  beforeLoad(obj, p) {
    const counted = new Set(programsOf(obj, p));
    for (const prog of obj.programs()) prog.setAutoload(counted.has(prog));
  },
  attach: (obj, p) => programsOf(obj, p).map((prog) => prog.attach()),
  collector(obj, p) {
    const read = (): CountsResult => {
      const rows: Record<string, unknown>[] = [];
      for (const [k, v] of obj.map('counts').entries()) {
        const key = SockstatKey.decode(k);
        const row: Record<string, unknown> = {};
        if (p.by.includes('syscall')) row.syscall = SOCKET_SYSCALLS[key.syscall];
        if (p.by.includes('pid')) row.pid = key.pid;
        if (p.by.includes('comm')) row.comm = key.comm;
        row.count = Number(u64.read(v, 0));
        rows.push(row);
      }
      rows.sort((a, b) => (b.count as number) - (a.count as number));
      return { kind: 'counts', keys: p.by, rows, total: rows.reduce((n, r) => n + (r.count as number), 0) };
    };
    return { empty: (): CountsResult => ({ kind: 'counts', keys: p.by, rows: [], total: 0 }), collect: read, snapshot: read };
  },
});
