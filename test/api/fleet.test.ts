/**
 * Targeting a fleet through the real API, Postgres and Redis: selectors and `all`, skipped runs with their
 * reasons, runs that expire when their host never takes them. Agents are played by fake heartbeats and by
 * this test putting their messages on the results queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceHostQueueName, type RunMessage } from '../../libs/contracts/src/index.js';
import { createTestEnv, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';

interface Run {
  id: string;
  host: string;
  status: string;
  error: string | null;
}

describe('fleet targeting', () => {
  let env: TestEnv;
  let api: RunningApi;
  const offlineSince = new Date(Date.now() - 3600_000);

  /** As the agent of the run's host reports it (signed). */
  const send = (message: RunMessage) => env.report(message);
  const getJob = async (id: string) => (await api.request('GET', `/v1/jobs/${id}`)).body;

  beforeAll(async () => {
    env = await createTestEnv('fleet');
    await env.heartbeat('db-1', undefined, { labels: { role: 'db', zone: 'a' } });
    await env.heartbeat('db-2', undefined, { labels: { role: 'db', zone: 'b' } });
    await env.heartbeat('db-3', undefined, { labels: { role: 'db', zone: 'a' }, at: offlineSince });
    await env.heartbeat('db-4', { rawTracepoint: false }, { labels: { role: 'db', zone: 'b' } });
    await env.heartbeat('web-1', undefined, { labels: { role: 'web', zone: 'a' } });
    api = await startApi(env);
  });

  afterAll(async () => {
    await api?.close();
    await env?.close();
  });

  it('lists hosts by label, every label matching', async () => {
    const db = await api.request('GET', '/v1/hosts?label=role=db');
    expect(db.body.map((h: { name: string }) => h.name)).toEqual(['db-1', 'db-2', 'db-3', 'db-4']);
    const dbA = await api.request('GET', '/v1/hosts?label=role=db&label=zone=a');
    expect(dbA.body.map((h: { name: string }) => h.name)).toEqual(['db-1', 'db-3']);
    const bad = await api.request('GET', '/v1/hosts?label=role');
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('label');
  });

  it('fans a selector out over the matching hosts; offline and incapable hosts are skipped with the reason; the job ends partial', async () => {
    const res = await api.request('POST', '/v1/jobs', { body: { tool: 'syscount', selector: { labels: { role: 'db' } }, durationSec: 1 } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const runs: Run[] = res.body.runs;
    expect(runs.map((run) => [run.host, run.status])).toEqual([
      ['db-1', 'queued'],
      ['db-2', 'queued'],
      ['db-3', 'skipped'],
      ['db-4', 'skipped'],
    ]);
    expect(runs[2].error).toBe(`host db-3 was offline at dispatch (last heartbeat ${offlineSince.toISOString()})`);
    expect(runs[3].error).toBe('host db-4 lacks rawTracepoint, which syscount requires');
    // Only the queued runs are on their hosts' queues.
    expect(await env.queue(traceHostQueueName('db-1')).getJob(runs[0].id)).toBeDefined();
    expect(await env.queue(traceHostQueueName('db-3')).getJob(runs[2].id)).toBeUndefined();

    const at = new Date().toISOString();
    for (const run of runs.slice(0, 2)) {
      await send({ type: 'running', runId: run.id, at });
      await send({ type: 'succeeded', runId: run.id, at, result: { kind: 'counts', keys: ['syscall'], rows: [], total: 0 }, stats: {} });
    }
    const done = await waitFor(async () => {
      const job = await getJob(res.body.id);
      return job.status !== 'running' && job.status !== 'queued' && job;
    }, { what: 'job finished' });
    expect(done.status).toBe('partial');
    expect(done.target).toEqual({ selector: { labels: { role: 'db' } } });
  });

  it('`all` targets every known host', async () => {
    const res = await api.request('POST', '/v1/jobs', { body: { tool: 'syscount', all: true, durationSec: 1 } });
    expect(res.status).toBe(201);
    expect(res.body.runs.map((run: Run) => run.host)).toEqual(['db-1', 'db-2', 'db-3', 'db-4', 'web-1']);
    await api.request('POST', `/v1/jobs/${res.body.id}/cancel`);
  });

  it('refuses a selector matching nothing, no target, two targets, and bad labels, naming the fields', async () => {
    const cases: [object, string[]][] = [
      [{ selector: { labels: { role: 'cache' } } }, ['selector']],
      [{}, ['hosts', 'selector', 'all']],
      [{ hosts: ['db-1'], selector: { labels: { role: 'db' } } }, ['hosts', 'selector']],
      [{ selector: { labels: {} } }, ['selector.labels']],
      [{ selector: { labels: { role: 'd b' } } }, ['selector.labels.role']],
      [{ selector: { labels: { role: 7 } } }, ['selector.labels.role']],
      [{ all: false }, ['all']],
      [{ selector: 'role=db' }, ['selector']],
    ];
    for (const [target, fields] of cases) {
      const res = await api.request('POST', '/v1/jobs', { body: { tool: 'syscount', durationSec: 1, ...target } });
      expect(res.status, JSON.stringify(target)).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field), JSON.stringify(res.body)).toEqual(fields);
    }
  });

  it('expires a run its host never takes, with the reason, and takes it off the queue', async () => {
    await env.heartbeat('gone-1', undefined, { at: offlineSince });
    const res = await api.request('POST', '/v1/jobs', { body: { tool: 'syscount', hosts: ['gone-1'], durationSec: 1, dispatchTimeoutSec: 1 } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const runId = res.body.runs[0].id;
    const done = await waitFor(async () => {
      const job = await getJob(res.body.id);
      return job.status === 'failed' && job;
    }, { timeoutMs: 15_000, what: 'run expired' });
    expect(done.runs[0]).toMatchObject({
      status: 'expired',
      error: 'still queued after dispatchTimeoutSec (1 s): the agent of gone-1 did not take it',
    });
    expect(await env.queue(traceHostQueueName('gone-1')).getJob(runId)).toBeUndefined();
    expect(done.dispatchTimeoutSec).toBe(1);
  });
});
