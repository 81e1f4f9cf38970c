import { char, defineStruct, s32, u32, u64 } from '../../../bpf/src/index.js';
import type { EventsResult } from '../../../contracts/src/index.js';
import { streamEvents } from '../runtime/events.js';
import { familyName, resultName } from '../runtime/net.js';
import { defineRunner } from '../runtime/runner.js';
import { SockAddr, addressText, portOf } from '../runtime/sockets.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { soconnect } from './soconnect.schema.js';

/** Mirrors `struct connect_event` of soconnect.h. */
export const ConnectEvent = defineStruct({ ts: u64, latency_ns: u64, pid: u32, ret: s32, comm: char(16), daddr: SockAddr });

const COLUMNS: EventsResult['columns'] = [
  { name: 'ts', type: 'timestamp' },
  { name: 'pid', type: 'int' },
  { name: 'comm', type: 'string' },
  { name: 'family', type: 'string' },
  { name: 'daddr', type: 'string' },
  { name: 'dport', type: 'int' },
  { name: 'latencyUs', type: 'int' },
  { name: 'result', type: 'string' },
];

/**
 * soconnect: one row per connect(2), `ts` (ISO wall clock) when it returned. `daddr` is the address it
 * named: an IP address, an AF_UNIX path (`@name` when abstract, '' when unnamed), '' for other families;
 * `dport` the port, null for families without ports. `latencyUs` the time spent in the syscall (a
 * non-blocking connect returns at once with EINPROGRESS); `result` OK or the errno's name. `dropped` /
 * `lostEvents` count calls over the per-second bound, not fitting in the ring buffer, or whose sockaddr
 * could not be read.
 */
export default defineRunner(soconnect, {
  layouts: { connects: { key: u32, value: ConnectEvent } },
  rodata: taskFilterRodata,
  collector: () =>
    streamEvents(COLUMNS, (record, clock) => {
      const e = ConnectEvent.decode(record);
      return {
        ts: clock.iso(e.ts),
        pid: e.pid,
        comm: e.comm,
        family: familyName(e.daddr.family),
        daddr: addressText(e.daddr),
        dport: portOf(e.daddr),
        latencyUs: Number(e.latency_ns / 1000n),
        result: resultName(e.ret),
      };
    }),
});
