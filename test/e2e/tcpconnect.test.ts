import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CountsResult, EventsResult } from '../../libs/contracts/src/index.js';
import { startE2eHost, type E2eHost } from '../support/e2e.js';
import { compileWorkload, describeKernel } from '../support/kernel.js';
import { listenTcp, type TcpListener } from '../support/tcp.js';
import { startGated, type GatedWorkload } from '../support/workload.js';

const CONNECTS = 17;

/**
 * tcpconnect on the whole path: REST call → Postgres → BullMQ → a real agent process → the socket state
 * change and connect(2) tracepoints in this kernel → Postgres → REST read. A fixture makes exactly 17
 * connects to a port this process listens on; the stored result carries them, as the library test does.
 */
describeKernel('tcpconnect end to end', () => {
  let e2e: E2eHost;
  let listener: TcpListener;
  let binary: string;
  const comm = `tce${process.pid % 100000}`;
  const workloads: GatedWorkload[] = [];

  beforeAll(async () => {
    binary = compileWorkload('tcpconnect', comm);
    listener = await listenTcp('127.0.0.1');
    e2e = await startE2eHost('tcpconnect');
  });

  afterAll(async () => {
    for (const w of workloads) w.kill();
    await e2e?.close();
    await listener?.close();
  });

  /** Runs tcpconnect through the API on the fixture's pid, releasing it (17 connects to the listener) once attached. */
  async function runJob(params: object) {
    const workload = startGated(binary, ['127.0.0.1', String(listener.port), String(CONNECTS)]);
    workloads.push(workload);
    const result = await e2e.runJob('tcpconnect', { pid: workload.pid, ...params }, 1, async () => {
      workload.go();
      expect(await workload.exited).toBe(0);
    });
    return { pid: workload.pid, result };
  }

  it('stores exactly the 17 connects of the fixture, with its pid and comm', async () => {
    const { pid, result } = await runJob({});
    const events = result as EventsResult;
    expect(events.kind).toBe('events');
    expect(events.rows).toHaveLength(CONNECTS);
    for (const row of events.rows) {
      expect(row).toMatchObject({ pid, comm, family: 'AF_INET', saddr: '127.0.0.1', daddr: '127.0.0.1', dport: listener.port });
      expect(row.sport).toBeGreaterThan(0);
    }
    expect(events.dropped).toBe(0);
  });

  it('countOnly stores the 17 connects as one count of their destination', async () => {
    const { result } = await runJob({ countOnly: true });
    const counted = result as CountsResult;
    expect(counted.kind).toBe('counts');
    expect(counted.rows).toEqual([{ daddr: '127.0.0.1', dport: listener.port, count: CONNECTS }]);
    expect(counted.total).toBe(CONNECTS);
  });
});
