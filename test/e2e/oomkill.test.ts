import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EventsResult } from '../../libs/contracts/src/index.js';
import { startAgent, type AgentProcess } from '../support/agent-process.js';
import { createTestEnv, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';
import { compileWorkload, describeKernel } from '../support/kernel.js';
import { createMemoryCgroup } from '../support/memcg.js';
import { startGated } from '../support/workload.js';

/**
 * oomkill on the whole path: REST call → Postgres → BullMQ → a real agent process → the oom:mark_victim
 * tracepoint in this kernel → Postgres → REST read. The workload of the library test (oomhog.c) in a
 * 32 MB memory cgroup of its own: its child holding 12 MB is the one process the OOM killer can pick when
 * the parent touches 24 MB.
 */
describeKernel('oomkill end to end', () => {
  let env: TestEnv;
  let api: RunningApi;
  let agent: AgentProcess;
  const host = `e2e-oomkill-${process.pid}`;
  const trigger = `oome${process.pid % 100000}`;
  const victim = `oomf${process.pid % 100000}`;

  beforeAll(async () => {
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
    await agent?.stop();
    await api?.close();
    await env?.close();
  });

  it('an OOM kill in a memory cgroup comes back as exactly one row naming the victim and its trigger', async () => {
    const binary = compileWorkload('oomhog', trigger);
    const dir = mkdtempSync(join(tmpdir(), 'oomkill-e2e-'));
    const memcg = createMemoryCgroup(`bpfleet-oomkill-e2e-${process.pid}`, 32 << 20);
    const workload = startGated(binary, [join(dir, 'children'), '1', '12', '24', victim]);
    try {
      memcg.add(workload.pid);
      const created = await api.request('POST', '/v1/jobs', { body: { tool: 'oomkill', hosts: [host], durationSec: 3, params: {} } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const job = created.body as { id: string; runs: { id: string }[] };
      const jobStatus = async () => (await api.request('GET', `/v1/jobs/${job.id}`)).body;
      await waitFor(async () => (await jobStatus()).runs[0].status === 'running', { timeoutMs: 30_000, what: 'oomkill running' });
      workload.go();
      // 0: its child died of the OOM killer's SIGKILL.
      expect(await workload.exited).toBe(0);
      const childPid = Number(readFileSync(join(dir, 'children'), 'utf8').trim());

      const done = await waitFor(
        async () => {
          const j = await jobStatus();
          return ['succeeded', 'failed', 'partial', 'cancelled'].includes(j.status) && j;
        },
        { timeoutMs: 60_000, what: 'oomkill finished' },
      );
      expect(done.status, JSON.stringify(done.runs)).toBe('succeeded');
      const result = (await api.request('GET', `/v1/runs/${job.runs[0]!.id}/result`)).body as EventsResult;
      expect(result.kind).toBe('events');
      expect(result.columns.map((c) => c.name)).toEqual([
        'ts', 'triggerPid', 'triggerComm', 'victimPid', 'victimComm', 'pages', 'loadavg1', 'loadavg5', 'loadavg15',
      ]);
      const ours = result.rows.filter((r) => r.triggerPid === workload.pid || r.victimPid === childPid);
      expect(ours).toEqual([
        expect.objectContaining({ triggerPid: workload.pid, triggerComm: trigger, victimPid: childPid, victimComm: victim }),
      ]);
      expect(ours[0]!.pages).toBeGreaterThanOrEqual(12 * 256 - 64);
    } finally {
      workload.kill();
      await memcg.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
