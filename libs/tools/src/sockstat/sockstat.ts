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
 * sockstat: counts kept in a kernel hash keyed by `by`; rows `{ interval?, syscall?, pid?, comm?, count }`.
 * With `intervalSec`, the map is drained every interval (BpfMap.drain: each interval starts from an empty
 * map) and each row carries `interval`, the interval's index from 0: interval i covers seconds
 * [i·intervalSec, (i+1)·intervalSec) after the probes were attached, the last one up to the end of the run
 * (shorter when the run ends early). Rows are sorted by interval, then by count descending. `lostEvents`
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
    const keys = [...(p.intervalSec === undefined ? [] : ['interval']), ...p.by];
    const rows: Record<string, unknown>[] = [];
    const take = (entries: Iterable<[Buffer, Buffer]>, interval?: number) => {
      for (const [k, v] of entries) {
        const key = SockstatKey.decode(k);
        const row: Record<string, unknown> = {};
        if (interval !== undefined) row.interval = interval;
        if (p.by.includes('syscall')) row.syscall = SOCKET_SYSCALLS[key.syscall];
        if (p.by.includes('pid')) row.pid = key.pid;
        if (p.by.includes('comm')) row.comm = key.comm;
        row.count = Number(u64.read(v, 0));
        rows.push(row);
      }
    };
    const result = (): CountsResult => {
      rows.sort((a, b) => Number(a.interval ?? 0) - Number(b.interval ?? 0) || (b.count as number) - (a.count as number));
      return { kind: 'counts', keys, rows, total: rows.reduce((n, r) => n + (r.count as number), 0) };
    };
    let intervalsDone = 0;
    return {
      intervals:
        p.intervalSec === undefined
          ? undefined
          : {
              everyMs: p.intervalSec * 1000,
              tick(i) {
                take(obj.map('counts').drain(), i);
                intervalsDone = i + 1;
              },
            },
      empty: result,
      collect() {
        take(obj.map('counts').entries(), p.intervalSec === undefined ? undefined : intervalsDone);
        return result();
      },
    };
  },
});
