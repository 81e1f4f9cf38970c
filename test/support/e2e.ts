/**
 * The end-to-end harness of the tool suites: a private world (database, Redis prefix), the real API and one
 * real agent process for a host of its own, online; and a job helper that goes the whole path — POST
 * /v1/jobs → BullMQ → the agent → the kernel → trace-results → Postgres → GET /v1/runs/:id/result.
 */
import { expect } from 'vitest';
import type { ToolResult } from '../../libs/contracts/src/index.js';
import { startAgent, type AgentProcess } from './agent-process.js';
import { startApi, type RunningApi } from './api.js';
import { createTestEnv, type TestEnv } from './env.js';
import { waitFor } from './wait.js';

const FINAL = ['succeeded', 'failed', 'partial', 'cancelled'];

export interface E2eHost {
  env: TestEnv;
  api: RunningApi;
  /** The agent's host name. */
  host: string;
  /**
   * Runs `tool` on this host with `params` for `durationSec`: once the run is attached (status `running`)
   * calls `whileRunning` (e.g. to release a gated workload), then waits for the job to end, asserts it
   * succeeded, and returns its stored result.
   */
  runJob<R extends ToolResult = ToolResult>(tool: string, params: object, durationSec: number, whileRunning?: () => void | Promise<void>): Promise<R>;
  close(): Promise<void>;
}

export async function startE2eHost(label: string): Promise<E2eHost> {
  const env = await createTestEnv('e2e');
  const api = await startApi(env, { hostOfflineSec: 3, runGraceSec: 10 });
  const host = `e2e-${label}-${process.pid}`;
  const agent: AgentProcess = startAgent(host, { redisUrl: env.redisUrl, queuePrefix: env.queuePrefix });
  await waitFor(
    async () => {
      const { body } = await api.request('GET', '/v1/hosts');
      return body.find((h: { name: string; status: string }) => h.name === host && h.status === 'online');
    },
    { timeoutMs: 30_000, what: `host ${host} online` },
  );
  return {
    env,
    api,
    host,
    async runJob<R extends ToolResult>(tool: string, params: object, durationSec: number, whileRunning?: () => void | Promise<void>) {
      const created = await api.request('POST', '/v1/jobs', { body: { tool, hosts: [host], durationSec, params } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const job = created.body as { id: string; runs: { id: string }[] };
      const current = async () => (await api.request('GET', `/v1/jobs/${job.id}`)).body;
      await waitFor(async () => (await current()).runs[0].status === 'running', { timeoutMs: 30_000, what: `${tool} running` });
      await whileRunning?.();
      const done = await waitFor(async () => FINAL.includes((await current()).status) && (await current()), {
        timeoutMs: 60_000 + durationSec * 1000,
        what: `${tool} finished`,
      });
      expect(done.status, JSON.stringify(done.runs)).toBe('succeeded');
      const result = (await api.request('GET', `/v1/runs/${job.runs[0]!.id}/result`)).body as R;
      expect(result.kind).toBeDefined();
      return result;
    },
    async close() {
      await agent.stop();
      await api.close();
      await env.close();
    },
  };
}
