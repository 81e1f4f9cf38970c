import { bytes, char, defineStruct, u16, u32, u64 } from '../../../bpf/src/index.js';
import type { EventsResult } from '../../../contracts/src/index.js';
import { streamEvents } from '../runtime/events.js';
import { familyName, formatIp, portsRodata } from '../runtime/net.js';
import { defineRunner } from '../runtime/runner.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { tcpaccept, type TcpacceptParams } from './tcpaccept.schema.js';

/** Mirrors `struct event` of tcpaccept.h. */
export const AcceptEvent = defineStruct({
  ts: u64,
  pid: u32,
  family: u16,
  lport: u16,
  rport: u16,
  laddr: bytes(16),
  raddr: bytes(16),
  comm: char(16),
});

/** The rodata config of tcpaccept.bpf.c for these params. */
export function tcpacceptConfig(p: TcpacceptParams) {
  const lports = portsRodata(p.lport);
  return {
    ...taskFilterRodata({ pid: p.pid, uid: p.uid, comm: p.comm, cgroup: p.cgroup }),
    targ_lports: lports.ports,
    targ_lports_count: lports.count,
  };
}

const COLUMNS: EventsResult['columns'] = [
  { name: 'ts', type: 'timestamp' },
  { name: 'pid', type: 'int' },
  { name: 'comm', type: 'string' },
  { name: 'family', type: 'string' },
  { name: 'raddr', type: 'string' },
  { name: 'rport', type: 'int' },
  { name: 'laddr', type: 'string' },
  { name: 'lport', type: 'int' },
];

/**
 * tcpaccept: one row per TCP connection accepted with accept(2) / accept4(2), `ts` the ISO wall-clock time
 * accept returned, `pid` / `comm` the accepting process. `family` is the socket's (`AF_INET`, `AF_INET6`);
 * addresses are text, an IPv4 peer of a dual-stack listener shown as IPv4. `dropped` / `lostEvents` count
 * accepts not reported: over `maxEventsPerSec` or not fitting in the ring buffer.
 */
export default defineRunner(tcpaccept, {
  rodata: tcpacceptConfig,
  collector: () =>
    streamEvents(COLUMNS, (record, clock) => {
      const e = AcceptEvent.decode(record);
      return {
        ts: clock.iso(e.ts),
        pid: e.pid,
        comm: e.comm,
        family: familyName(e.family),
        raddr: formatIp(e.family, e.raddr),
        rport: e.rport,
        laddr: formatIp(e.family, e.laddr),
        lport: e.lport,
      };
    }),
});
