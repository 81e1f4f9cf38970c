import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';

describe('reaper', () => {
  let env: TestEnv;
  let api: RunningApi;
  let keepAlive: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    env = await createTestEnv('reaper');
    await env.heartbeat('dies');
    await env.heartbeat('lives');
    // 'lives' keeps heartbeating; 'dies' never again.
    keepAlive = setInterval(() => void env.heartbeat('lives'), 300);
    api = await startApi(env, { hostOfflineSec: 2, runGraceSec: 1 });
  });

  afterAll(async () => {
    clearInterval(keepAlive);
    await api?.close();
    await env?.close();
  });

  const startRun = async (host: string, durationSec: number) => {
    const res = await api.request('POST', '/v1/jobs', { body: { tool: 'execsnoop', hosts: [host], durationSec } });
    expect(res.status).toBe(201);
    const runId = res.body.runs[0].id as string;
    await env.report({ type: 'running', runId, at: new Date().toISOString() });
    await waitFor(async () => (await api.request('GET', `/v1/jobs/${res.body.id}`)).body.runs[0].status !== 'queued', {
      what: 'run running',
    });
    return res.body.id as string;
  };

  it('fails a running run whose host stopped heartbeating, with the reason, and shows the host offline', async () => {
    const jobId = await startRun('dies', 60);
    const job = await waitFor(
      async () => {
        const res = await api.request('GET', `/v1/jobs/${jobId}`);
        return res.body.status === 'failed' && res.body;
      },
      { timeoutMs: 10_000, what: 'run reaped' },
    );
    expect(job.runs[0].error).toMatch(/agent on host dies stopped heartbeating/);
    expect(job.runs[0].finishedAt).not.toBeNull();
    const hosts = await api.request('GET', '/v1/hosts');
    const status = Object.fromEntries(hosts.body.map((host: { name: string; status: string }) => [host.name, host.status]));
    expect(status).toEqual({ dies: 'offline', lives: 'online' });
  });

  it('fails a run that outlives its duration plus the grace period although its host is alive', async () => {
    const jobId = await startRun('lives', 1);
    const job = await waitFor(
      async () => {
        const res = await api.request('GET', `/v1/jobs/${jobId}`);
        return res.body.status === 'failed' && res.body;
      },
      { timeoutMs: 10_000, what: 'run reaped' },
    );
    expect(job.runs[0].error).toMatch(/exceeded its duration of 1 s/);
  });
});
