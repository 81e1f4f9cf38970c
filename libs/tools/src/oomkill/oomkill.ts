import { readFileSync } from 'node:fs';
import { bool, char, defineStruct, u32, u64 } from '../../../bpf/src/index.js';
import type { EventsResult } from '../../../contracts/src/index.js';
import { streamEvents } from '../runtime/events.js';
import { defineRunner } from '../runtime/runner.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { oomkill } from './oomkill.schema.js';

/** Mirrors `struct event` of oomkill.h. */
export const OomEvent = defineStruct({
  ts: u64,
  pages: u64,
  trigger_pid: u32,
  victim_pid: u32,
  trigger_comm: char(16),
  victim_comm: char(16),
  victim_task: bool,
});

/**
 * The 1, 5 and 15 minute load averages, as /proc/loadavg shows them. Read when the event arrives (the
 * ring buffer wakes the agent at once): the kernel's `avenrun` is neither in kallsyms nor in BTF on kernels
 * without CONFIG_KALLSYMS_ALL, so BPF cannot read it, and the kernel updates it only every 5 seconds.
 */
export function readLoadAverages(text = readFileSync('/proc/loadavg', 'utf8')): [number, number, number] {
  const [one, five, fifteen] = text.split(' ', 3).map(Number);
  return [one!, five!, fifteen!];
}

const COLUMNS: EventsResult['columns'] = [
  { name: 'ts', type: 'timestamp' },
  { name: 'triggerPid', type: 'int' },
  { name: 'triggerComm', type: 'string' },
  { name: 'victimPid', type: 'int' },
  { name: 'victimComm', type: 'string' },
  { name: 'pages', type: 'int' },
  { name: 'loadavg1', type: 'float' },
  { name: 'loadavg5', type: 'float' },
  { name: 'loadavg15', type: 'float' },
];

/**
 * oomkill: one row per OOM victim, `ts` (ISO wall clock) when it was marked. `triggerPid`/`triggerComm` the
 * process that ran the OOM killer (its thread's comm), `victimPid`/`victimComm` the process killed, `pages`
 * the victim's resident memory then (file + anon + shmem pages: what the kill frees), `loadavg*` the load
 * averages. Before Linux 6.9 only the victim's pid is known (the marked thread's): `victimComm` and `pages`
 * are null there. `dropped` / `lostEvents` count victims that matched but were not reported: over
 * `maxEventsPerSec` or not fitting in the ring buffer.
 */
export default defineRunner(oomkill, {
  rodata: taskFilterRodata,
  collector: () =>
    streamEvents(COLUMNS, (record, clock) => {
      const e = OomEvent.decode(record);
      const [loadavg1, loadavg5, loadavg15] = readLoadAverages();
      return {
        ts: clock.iso(e.ts),
        triggerPid: e.trigger_pid,
        triggerComm: e.trigger_comm,
        victimPid: e.victim_pid,
        victimComm: e.victim_task ? e.victim_comm : null,
        pages: e.victim_task ? Number(e.pages) : null,
        loadavg1,
        loadavg5,
        loadavg15,
      };
    }),
});
