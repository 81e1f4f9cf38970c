import { char, defineStruct, u32, u64 } from '../../../bpf/src/index.js';
import type { EventsResult } from '../../../contracts/src/index.js';
import { streamEvents } from '../runtime/events.js';
import { defineRunner } from '../runtime/runner.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { runqslower, type RunqslowerParams } from './runqslower.schema.js';

/** Mirrors `struct event` of runqslower.h. */
export const RunqEvent = defineStruct({
  ts: u64,
  latency_us: u64,
  pid: u32,
  tid: u32,
  prev_pid: u32,
  cpu: u32,
  comm: char(16),
  prev_comm: char(16),
});

/** The rodata config of runqslower.bpf.c for these params. */
export function runqslowerConfig(p: RunqslowerParams) {
  return { ...taskFilterRodata(p), min_us: p.minUs };
}

const COLUMNS: EventsResult['columns'] = [
  { name: 'ts', type: 'timestamp' },
  { name: 'pid', type: 'int' },
  { name: 'tid', type: 'int' },
  { name: 'comm', type: 'string' },
  { name: 'latencyUs', type: 'int' },
  { name: 'prevPid', type: 'int' },
  { name: 'prevComm', type: 'string' },
  { name: 'cpu', type: 'int' },
];

/**
 * runqslower: one row per run-queue wait of at least `minUs`, `ts` (ISO wall clock) when the waiting task
 * got the CPU, `pid`/`tid`/`comm` that task, `prevPid`/`prevComm` the task switched out for it (process id
 * and thread comm; 0 and `swapper/N` when the CPU was idle), `cpu` where it ran. `dropped` / `lostEvents`
 * count waits that matched but were not reported: over `maxEventsPerSec` or not fitting in the ring buffer.
 */
export default defineRunner(runqslower, {
  rodata: runqslowerConfig,
  collector: () =>
    streamEvents(COLUMNS, (record, clock) => {
      const e = RunqEvent.decode(record);
      return {
        ts: clock.iso(e.ts),
        pid: e.pid,
        tid: e.tid,
        comm: e.comm,
        latencyUs: Number(e.latency_us),
        prevPid: e.prev_pid,
        prevComm: e.prev_comm,
        cpu: e.cpu,
      };
    }),
});
