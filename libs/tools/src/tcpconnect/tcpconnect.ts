import { bytes, char, defineStruct, u16, u32, u64, type BpfObject } from '../../../bpf/src/index.js';
import type { CountsResult, EventsResult } from '../../../contracts/src/index.js';
import { streamEvents, type WallClock } from '../runtime/events.js';
import { familyName, formatIp, portsRodata } from '../runtime/net.js';
import { defineRunner, type Collector } from '../runtime/runner.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { tcpconnect, type TcpconnectParams } from './tcpconnect.schema.js';

/** Mirrors `struct event` of tcpconnect.h. */
export const ConnectEvent = defineStruct({
  ts: u64,
  pid: u32,
  family: u16,
  sport: u16,
  dport: u16,
  saddr: bytes(16),
  daddr: bytes(16),
  comm: char(16),
});
/** Mirrors `struct attempt` of tcpconnect.h. */
export const Attempt = defineStruct({ sk: u64, event: ConnectEvent });
/** Mirrors `struct count_key` of tcpconnect.h. */
export const CountKey = defineStruct({ daddr: bytes(16), family: u16, dport: u16 });

/** The rodata config of tcpconnect.bpf.c for these params. */
export function tcpconnectConfig(p: TcpconnectParams) {
  const dports = portsRodata(p.dport);
  return {
    ...taskFilterRodata({ pid: p.pid, uid: p.uid, comm: p.comm, cgroup: p.cgroup }),
    count_only: p.countOnly,
    targ_dports: dports.ports,
    targ_dports_count: dports.count,
  };
}

const COLUMNS: EventsResult['columns'] = [
  { name: 'ts', type: 'timestamp' },
  { name: 'pid', type: 'int' },
  { name: 'comm', type: 'string' },
  { name: 'family', type: 'string' },
  { name: 'saddr', type: 'string' },
  { name: 'daddr', type: 'string' },
  { name: 'sport', type: 'int' },
  { name: 'dport', type: 'int' },
];

type ConnectEventFields = ReturnType<typeof ConnectEvent.decode>;

function toRow(e: ConnectEventFields, clock: WallClock) {
  return {
    ts: clock.iso(e.ts),
    pid: e.pid,
    comm: e.comm,
    family: familyName(e.family),
    saddr: formatIp(e.family, e.saddr),
    daddr: formatIp(e.family, e.daddr),
    sport: e.sport,
    dport: e.dport,
  };
}

/** Connects whose connect(2) had not returned when the probes were detached, as known at SYN_SENT (no local port yet). */
function inProgress(obj: BpfObject): ConnectEventFields[] {
  return [...obj.map('attempts').entries()]
    .map(([, value]) => Attempt.decode(value))
    .filter((a) => a.sk !== 0n)
    .map((a) => a.event);
}

/** One row per connect, in time order; the ones still in progress at the end have `sport` 0. */
function eventsCollector(obj: BpfObject): Collector<EventsResult> {
  const stream = streamEvents(COLUMNS, (record, clock) => toRow(ConnectEvent.decode(record), clock));
  const ring = stream.rings!.events;
  return {
    ...stream,
    async collect(window) {
      // As records of the ring, so they become rows the same way.
      for (const e of inProgress(obj)) ring(ConnectEvent.encode(e));
      const result = await stream.collect(window);
      result.rows.sort((a, b) => (a.ts as string).localeCompare(b.ts as string));
      return result;
    },
  };
}

/** Connects per destination (address as text, port), the kernel's counts plus the connects still in progress. */
function countsCollector(obj: BpfObject): Collector<CountsResult> {
  const keys = ['daddr', 'dport'];
  return {
    empty: () => ({ kind: 'counts', keys, rows: [], total: 0 }),
    collect() {
      const byDestination = new Map<string, { daddr: string; dport: number; count: number }>();
      const add = (family: number, addr: Buffer, dport: number, count: number) => {
        const daddr = formatIp(family, addr);
        // An IPv4 peer of a dual-stack socket reads as IPv4: one row with the same peer of an IPv4 socket.
        const id = `${daddr}|${dport}`;
        const row = byDestination.get(id) ?? { daddr, dport, count: 0 };
        row.count += count;
        byDestination.set(id, row);
      };
      for (const [k, v] of obj.map('counts').entries()) {
        const key = CountKey.decode(k);
        add(key.family, key.daddr, key.dport, Number(v.readBigUInt64LE(0)));
      }
      for (const e of inProgress(obj)) add(e.family, e.daddr, e.dport, 1);
      const rows = [...byDestination.values()].sort((a, b) => b.count - a.count);
      return { kind: 'counts', keys, rows, total: rows.reduce((n, r) => n + r.count, 0) };
    },
  };
}

/**
 * tcpconnect: one row per active TCP open made with connect(2) (see tcpconnect.bpf.c for why the socket's
 * CLOSE → SYN_SENT change plus the connect(2) exit), `ts` the ISO wall-clock time the SYN was about to be
 * sent. `family` is the socket's (`AF_INET`, `AF_INET6`); addresses are text, an IPv4 peer of a dual-stack
 * socket shown as IPv4. A connect still waiting for its handshake when the run ends is reported with
 * `sport` 0 (the kernel picks the port after SYN_SENT, and the run ended before connect(2) returned).
 * With `countOnly`, counts per (`daddr`, `dport`) summed in the kernel. `dropped` / `lostEvents` count
 * connects not reported: over `maxEventsPerSec`, not fitting in the ring buffer, or a full counts map.
 */
export default defineRunner(tcpconnect, {
  layouts: { attempts: { key: u32, value: Attempt }, counts: { key: CountKey, value: u64 } },
  rodata: tcpconnectConfig,
  collector: (obj, p) => (p.countOnly ? countsCollector(obj) : eventsCollector(obj)),
});
