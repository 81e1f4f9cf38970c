import { beforeAll, expect, it } from 'vitest';
import { compileWorkload, describeKernel } from '../../../../test/support/kernel.js';
import { connectTcp, freePort, type TcpClient } from '../../../../test/support/tcp.js';
import { traceWorkload } from '../../../../test/support/tools.js';
import tcpaccept from './tcpaccept.js';
import type { TcpacceptParams } from './tcpaccept.schema.js';

const ON_PORT = 13;
const ON_OTHER = 4;
const DUAL_V6 = 3;
const DUAL_V4 = 2;

const byNumber = (a: number, b: number) => a - b;
const localPorts = (clients: TcpClient[]) => clients.map((c) => c.localPort).sort(byNumber);

interface Ports {
  port: number;
  other: number;
  dual: number;
}

describeKernel('tcpaccept on the real kernel', () => {
  const name = `tcpa${process.pid % 100000}`;
  let binary: string;

  beforeAll(() => {
    binary = compileWorkload('tcpaccept', name);
  });

  /**
   * The fixture listens on 127.0.0.1:PORT, 127.0.0.1:OTHER and dual-stack [::]:DUAL, and accepts (alternately
   * with accept and accept4) 13, 4 and 5 connections there, which this process opens: 3 of DUAL's from ::1,
   * 2 from 127.0.0.1. Traced with params(pid, ports); returns the result and the clients' local ports, sorted.
   */
  async function trace(params: (pid: number, ports: Ports) => Partial<TcpacceptParams>) {
    const ports: Ports = { port: await freePort(), other: await freePort(), dual: await freePort('::') };
    const clients = Promise.all([
      connectTcp('127.0.0.1', ports.port, ON_PORT),
      connectTcp('127.0.0.1', ports.other, ON_OTHER),
      connectTcp('::1', ports.dual, DUAL_V6),
      connectTcp('127.0.0.1', ports.dual, DUAL_V4),
    ]);
    clients.catch(() => {}); // awaited below; a fixture that failed first is the error to report
    const args = ['127.0.0.1', ports.port, ON_PORT, '127.0.0.1', ports.other, ON_OTHER, '::', ports.dual, DUAL_V6 + DUAL_V4].map(String);
    const out = await traceWorkload(tcpaccept, { file: binary, args }, (pid) => params(pid, ports));
    const connected = await clients;
    const [onPort, onOther, dualV6, dualV4] = connected.map(localPorts);
    for (const client of connected.flat()) client.socket.destroy();
    return { ...out, ports, clientPorts: { onPort, onOther, dualV6, dualV4 } };
  }

  it('reports exactly the 13 connections a pid accepted on a port, with the clients’ ports (lport filter)', async () => {
    const { result, pid, ports, clientPorts } = await trace((pid, { port }) => ({ pid, lport: [port] }));
    expect(result.columns.map((c) => c.name)).toEqual(['ts', 'pid', 'comm', 'family', 'raddr', 'rport', 'laddr', 'lport']);
    expect(result.rows).toHaveLength(ON_PORT);
    for (const row of result.rows) {
      expect(row).toMatchObject({ pid, comm: name, family: 'AF_INET', raddr: '127.0.0.1', laddr: '127.0.0.1', lport: ports.port });
    }
    expect(result.rows.map((row) => row.rport as number).sort(byNumber)).toEqual(clientPorts.onPort);
    expect(result.dropped).toBe(0);
  });

  it('without lport, every accept of the process: IPv6 and IPv4 peers of a dual-stack listener too (comm filter)', async () => {
    const { result, pid, ports, clientPorts } = await trace(() => ({ comm: name }));
    expect(result.rows).toHaveLength(ON_PORT + ON_OTHER + DUAL_V6 + DUAL_V4);
    for (const row of result.rows) expect(row).toMatchObject({ pid, comm: name });
    const on = (lport: number, raddr: string) => result.rows.filter((row) => row.lport === lport && row.raddr === raddr);
    const rports = (rows: Record<string, unknown>[]) => rows.map((row) => row.rport as number).sort(byNumber);

    expect(rports(on(ports.other, '127.0.0.1'))).toEqual(clientPorts.onOther);
    const v6 = on(ports.dual, '::1');
    expect(rports(v6)).toEqual(clientPorts.dualV6);
    for (const row of v6) expect(row).toMatchObject({ family: 'AF_INET6', laddr: '::1' });
    // An IPv4 peer of the dual-stack listener: the socket's family, the addresses as IPv4.
    const v4 = on(ports.dual, '127.0.0.1');
    expect(rports(v4)).toEqual(clientPorts.dualV4);
    for (const row of v4) expect(row).toMatchObject({ family: 'AF_INET6', laddr: '127.0.0.1' });
  });

  it('maxEventsPerSec: past the bound, accepts are dropped and counted, and the run stops', async () => {
    const bound = 5;
    const { result, stats } = await trace((pid) => ({ pid, maxEventsPerSec: bound }));
    // The 22 accepts take a few ms: one window of the bound, give or take a window boundary. The run stops
    // once it sees the drops, maybe before the last accepts: each accept is a row, a drop, or after the stop.
    expect(stats.stopReason).toBe('maxEventsPerSec');
    expect(result.dropped).toBeGreaterThan(0);
    expect(result.rows.length + result.dropped).toBeLessThanOrEqual(ON_PORT + ON_OTHER + DUAL_V6 + DUAL_V4);
    expect(result.rows.length).toBeGreaterThanOrEqual(bound);
    expect(result.rows.length).toBeLessThanOrEqual(2 * bound);
    expect(stats.lostEvents).toBe(result.dropped);
  });
});
