import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CountsResult, EventsResult } from '../../../contracts/src/index.js';
import { compileWorkload, describeKernel } from '../../../../test/support/kernel.js';
import { freePort, listenTcp, type TcpListener } from '../../../../test/support/tcp.js';
import { traceWorkload } from '../../../../test/support/tools.js';
import { waitFor } from '../../../../test/support/wait.js';
import tcpconnect from './tcpconnect.js';
import type { TcpconnectParams } from './tcpconnect.schema.js';

const V4 = 17;
const V6 = 5;
const MAPPED = 4;

const byNumber = (a: number, b: number) => a - b;

function events(result: EventsResult | CountsResult): EventsResult {
  if (result.kind !== 'events') throw new Error(`expected events, got ${result.kind}`);
  return result;
}

function counts(result: EventsResult | CountsResult): CountsResult {
  if (result.kind !== 'counts') throw new Error(`expected counts, got ${result.kind}`);
  return result;
}

describeKernel('tcpconnect on the real kernel', () => {
  const name = `tcpc${process.pid % 100000}`;
  let binary: string;
  let stall: string;
  // What the fixture connects to: 17 times 127.0.0.1:PORT from an AF_INET socket, 5 times [::1]:PORT6,
  // 4 times 127.0.0.1:OTHER from an AF_INET6 socket (to ::ffff:127.0.0.1).
  let v4: TcpListener;
  let v6: TcpListener;
  let other: TcpListener;
  let args: string[];

  beforeAll(async () => {
    binary = compileWorkload('tcpconnect', name);
    stall = compileWorkload('tcpconnect-stall', `${name}s`);
    [v4, v6, other] = await Promise.all([listenTcp('127.0.0.1'), listenTcp('::1'), listenTcp('127.0.0.1')]);
    args = ['127.0.0.1', String(v4.port), String(V4), '::1', String(v6.port), String(V6), '::ffff:127.0.0.1', String(other.port), String(MAPPED)];
  });
  afterAll(async () => {
    await Promise.all([v4, v6, other].map((l) => l?.close()));
  });

  /** Runs the fixture's 26 connects under tcpconnect with params(pid). */
  async function trace(params: (pid: number) => Partial<TcpconnectParams>) {
    const seen = [v4, v6, other].map((l) => l.peerPorts.length);
    const out = await traceWorkload(tcpconnect, { file: binary, args }, params);
    // The listeners' own view of the clients' ports: the sports the rows must carry.
    const peerPorts = await Promise.all(
      [v4, v6, other].map((l, i) =>
        waitFor(() => l.peerPorts.length === seen[i]! + [V4, V6, MAPPED][i]! && l.peerPorts.slice(seen[i]), { what: 'accepts' }),
      ),
    );
    return { ...out, peerPorts };
  }

  it('reports exactly the 17 IPv4, 5 IPv6 and 4 IPv4-mapped connects of a pid, with the ports the listeners saw', async () => {
    const { result, pid, peerPorts } = await trace((pid) => ({ pid }));
    const r = events(result);
    expect(r.columns.map((c) => c.name)).toEqual(['ts', 'pid', 'comm', 'family', 'saddr', 'daddr', 'sport', 'dport']);
    const to = (port: number) => r.rows.filter((row) => row.dport === port);
    const sports = (rows: Record<string, unknown>[]) => rows.map((row) => row.sport as number).sort(byNumber);

    expect(to(v4.port)).toHaveLength(V4);
    for (const row of to(v4.port)) expect(row).toMatchObject({ pid, comm: name, family: 'AF_INET', saddr: '127.0.0.1', daddr: '127.0.0.1' });
    expect(sports(to(v4.port))).toEqual([...peerPorts[0]!].sort(byNumber));

    expect(to(v6.port)).toHaveLength(V6);
    for (const row of to(v6.port)) expect(row).toMatchObject({ pid, comm: name, family: 'AF_INET6', saddr: '::1', daddr: '::1' });
    expect(sports(to(v6.port))).toEqual([...peerPorts[1]!].sort(byNumber));

    // A dual-stack socket's IPv4 peer: the socket's family, the addresses as IPv4.
    expect(to(other.port)).toHaveLength(MAPPED);
    for (const row of to(other.port)) expect(row).toMatchObject({ pid, family: 'AF_INET6', saddr: '127.0.0.1', daddr: '127.0.0.1' });
    expect(sports(to(other.port))).toEqual([...peerPorts[2]!].sort(byNumber));

    expect(r.rows).toHaveLength(V4 + V6 + MAPPED);
    expect(r.rows.map((row) => row.ts)).toEqual(r.rows.map((row) => row.ts as string).sort());
    expect(r.dropped).toBe(0);
  });

  it('dport keeps only connects to the listed ports, in the kernel', async () => {
    const { result, pid } = await trace((pid) => ({ pid, dport: [v4.port] }));
    const r = events(result);
    expect(r.rows).toHaveLength(V4);
    for (const row of r.rows) expect(row).toMatchObject({ pid, dport: v4.port, daddr: '127.0.0.1' });
  });

  it('countOnly counts connects per destination address and port (comm filter)', async () => {
    const { result } = await trace(() => ({ comm: name, countOnly: true }));
    const r = counts(result);
    expect(r.keys).toEqual(['daddr', 'dport']);
    expect(r.rows).toEqual([
      { daddr: '127.0.0.1', dport: v4.port, count: V4 },
      { daddr: '::1', dport: v6.port, count: V6 },
      { daddr: '127.0.0.1', dport: other.port, count: MAPPED },
    ]);
    expect(r.total).toBe(V4 + V6 + MAPPED);

    const filtered = counts((await trace((pid) => ({ pid, countOnly: true, dport: [v4.port] }))).result);
    expect(filtered.rows).toEqual([{ daddr: '127.0.0.1', dport: v4.port, count: V4 }]);
  });

  it('maxEventsPerSec: past the bound, connects are dropped and counted, and the run stops', async () => {
    const bound = 10;
    const { result, stats } = await trace((pid) => ({ pid, maxEventsPerSec: bound }));
    const r = events(result);
    // The 26 connects take a few ms: one window of the bound, give or take a window boundary. The run stops
    // once it sees the drops, maybe before the last connects: each connect is a row, a drop, or after the stop.
    expect(stats.stopReason).toBe('maxEventsPerSec');
    expect(r.dropped).toBeGreaterThan(0);
    expect(r.rows.length + r.dropped).toBeLessThanOrEqual(V4 + V6 + MAPPED);
    expect(r.rows.length).toBeGreaterThanOrEqual(bound);
    expect(r.rows.length).toBeLessThanOrEqual(2 * bound);
    expect(stats.lostEvents).toBe(r.dropped);
  });

  it('reports a connect still waiting for its handshake when the run ends, without a local port yet', async () => {
    const port = await freePort();
    // The listener's accept queue takes 2 connections; the third connect waits (SYN dropped) for 3 s,
    // well past the 1.5 s run; the fixture exits with the number of connects that completed.
    const { result, pid } = await traceWorkload(tcpconnect, { file: stall, args: [String(port), '3000'] }, (pid) => ({ pid }), {
      maxMs: 1500,
      expectedExit: 2,
    });
    const rows = events(result).rows;
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toMatchObject({ pid, comm: `${name}s`, daddr: '127.0.0.1', dport: port });
    expect(rows.filter((row) => (row.sport as number) > 0)).toHaveLength(2);
    expect(rows[2]!.sport).toBe(0);
  });
});
