import { char, defineStruct, s32, u32, u64 } from '../../../bpf/src/index.js';
import type { EventsResult } from '../../../contracts/src/index.js';
import { streamEvents } from '../runtime/events.js';
import { defineRunner } from '../runtime/runner.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { exitsnoop, type ExitsnoopParams } from './exitsnoop.schema.js';

/** Mirrors `struct event` of exitsnoop.h. */
export const ExitEvent = defineStruct({
  ts: u64,
  lifetime_ns: u64,
  pid: u32,
  tid: u32,
  ppid: u32,
  status: s32,
  comm: char(16),
});

/** The rodata config of exitsnoop.bpf.c for these params. */
export function exitsnoopConfig(p: ExitsnoopParams) {
  return {
    ...taskFilterRodata(p),
    failed_only: p.failedOnly,
    trace_threads: p.threads,
  };
}

const COLUMNS: EventsResult['columns'] = [
  { name: 'ts', type: 'timestamp' },
  { name: 'pid', type: 'int' },
  { name: 'tid', type: 'int' },
  { name: 'ppid', type: 'int' },
  { name: 'comm', type: 'string' },
  { name: 'exitCode', type: 'int' },
  { name: 'signal', type: 'int' },
  { name: 'coreDumped', type: 'bool' },
  { name: 'lifetimeMs', type: 'float' },
];

/**
 * exitsnoop: one row per process exit (with `threads`, per thread exit), `ts` an ISO wall-clock timestamp.
 * The wait(2) status splits as libbpf-tools' exitsnoop does: `exitCode` the code passed to exit (0 when
 * killed), `signal` the signal that killed it (0 when it exited), `coreDumped` whether that left a core.
 * `lifetimeMs` runs from the task's start (the process's, per process) to its exit, to the microsecond.
 * `dropped` / `lostEvents` count exits that matched the filters but were not reported: over the
 * per-second bound (`maxEventsPerSec`) or not fitting in the ring buffer.
 */
export default defineRunner(exitsnoop, {
  rodata: exitsnoopConfig,
  collector: () =>
    streamEvents(COLUMNS, (record, clock) => {
      const e = ExitEvent.decode(record);
      return {
        ts: clock.iso(e.ts),
        pid: e.pid,
        tid: e.tid,
        ppid: e.ppid,
        comm: e.comm,
        exitCode: (e.status >> 8) & 0xff,
        signal: e.status & 0x7f,
        coreDumped: (e.status & 0x80) !== 0,
        lifetimeMs: Number(e.lifetime_ns / 1000n) / 1000,
      };
    }),
});
