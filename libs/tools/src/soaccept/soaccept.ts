import { char, defineStruct, s32, u16, u32, u64 } from '../../../bpf/src/index.js';
import type { EventsResult } from '../../../contracts/src/index.js';
import { streamEvents } from '../runtime/events.js';
import { familyName, resultName } from '../runtime/net.js';
import { defineRunner } from '../runtime/runner.js';
import { SockAddr, addressText, isIpFamily, portOf } from '../runtime/sockets.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { soaccept } from './soaccept.schema.js';

/** Mirrors `struct accept_event` of soaccept.h. */
export const AcceptEvent = defineStruct({ ts: u64, pid: u32, ret: s32, comm: char(16), lport: u16, raddr: SockAddr });

const COLUMNS: EventsResult['columns'] = [
  { name: 'ts', type: 'timestamp' },
  { name: 'pid', type: 'int' },
  { name: 'comm', type: 'string' },
  { name: 'family', type: 'string' },
  { name: 'raddr', type: 'string' },
  { name: 'rport', type: 'int' },
  { name: 'lport', type: 'int' },
  { name: 'result', type: 'string' },
];

/**
 * soaccept: one row per accept(2) / accept4(2) that returned a connection or an error other than EAGAIN,
 * `ts` (ISO wall clock) when it returned. `raddr` / `rport` the peer (as getpeername names it; an AF_UNIX
 * client is usually unnamed: ''), '' / null when accept failed; `lport` the listening socket's port, null
 * for families without ports; `family` the peer's (the listening socket's when accept failed); `result` OK
 * or the errno's name. `dropped` / `lostEvents` count accepts over the per-second bound or not fitting in
 * the ring buffer.
 */
export default defineRunner(soaccept, {
  rodata: taskFilterRodata,
  collector: () =>
    streamEvents(COLUMNS, (record, clock) => {
      const e = AcceptEvent.decode(record);
      const accepted = e.ret >= 0;
      return {
        ts: clock.iso(e.ts),
        pid: e.pid,
        comm: e.comm,
        family: familyName(e.raddr.family),
        raddr: accepted ? addressText(e.raddr) : '',
        rport: accepted ? portOf(e.raddr) : null,
        lport: isIpFamily(e.raddr.family) ? e.lport : null,
        result: resultName(e.ret),
      };
    }),
});
