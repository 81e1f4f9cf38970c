import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CountsResult, EventsResult } from '../../libs/contracts/src/index.js';
import { startAgent, type AgentProcess } from '../support/agent-process.js';
import { createTestEnv, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';
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
  let env: TestEnv;
  let api: RunningApi;
  let agent: AgentProcess;
  let listener: TcpListener;
  let binary: string;
  const host = `e2e-tcpconnect-${process.pid}`;
  const comm = `tce${process.pid % 100000}`;
  const workloads: GatedWorkload[] = [];

  beforeAll(async () => {
    binary = compileWorkload('tcpconnect', comm);
    listener = await listenTcp('127.0.0.1');
    env = await createTestEnv('e2e');
    api = await startApi(env, { hostOfflineSec: 3, runGraceSec: 10 });
    agent = startAgent(host, { redisUrl: env.redisUrl, queuePrefix: env.queuePrefix });
    await waitFor(
      async () => {
        const { body } = await api.request('GET', '/v1/hosts');
        return body.find((h: { name: string; status: string }) => h.name === host && h.status === 'online');
      },
      { timeoutMs: 30_000, what: `host ${host} online` },
    );
  });

  afterAll(async () => {
    for (const w of workloads) w.kill();
    await agent?.stop();
    await api?.close();
    await env?.close();
    await listener?.close();
  });

  /**
   * Starts the fixture gated (17 connects to the listener), runs tcpconnect on its pid through the API,
   * lets it go once the run is attached, and returns the stored result once the job succeeded.
   */
  async function runJob(params: object) {
    const workload = startGated(binary, ['127.0.0.1', String(listener.port), String(CONNECTS)]);
    workloads.push(workload);
    const created = await api.request('POST', '/v1/jobs', {
      body: { tool: 'tcpconnect', hosts: [host], durationSec: 1, params: { pid: workload.pid, ...params } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const job = created.body as { id: string; runs: { id: string }[] };
    const jobStatus = async () => (await api.request('GET', `/v1/jobs/${job.id}`)).body;
    await waitFor(async () => (await jobStatus()).runs[0].status === 'running', { timeoutMs: 30_000, what: 'tcpconnect running' });
    workload.go();
    expect(await workload.exited).toBe(0);
    const done = await waitFor(
      async () => {
        const j = await jobStatus();
        return ['succeeded', 'failed', 'partial', 'cancelled'].includes(j.status) && j;
      },
      { timeoutMs: 60_000, what: 'tcpconnect finished' },
    );
    expect(done.status, JSON.stringify(done.runs)).toBe('succeeded');
    return { pid: workload.pid, result: (await api.request('GET', `/v1/runs/${job.runs[0]!.id}/result`)).body };
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
