import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { traceHostQueueName } from '../../libs/contracts/src/index.js';
import { QueueRepository } from '../../apps/api/src/repositories/queue.repository.js';
import { createTestEnv, sql, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';

describe('jobs', () => {
  let env: TestEnv;
  let api: RunningApi;
  const count = async (table: string) => Number((await sql<{ n: string }>(env.databaseUrl, `SELECT count(*) AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    env = await createTestEnv('jobs');
    await env.heartbeat('alpha', undefined, { labels: { role: 'web' } });
    await env.heartbeat('beta');
    await env.heartbeat('notp', { btf: true }); // no tracepoints: cannot run syscount
    api = await startApi(env);
  });

  afterAll(async () => {
    await api?.close();
    await env?.close();
  });

  it('lists hosts from heartbeats, online', async () => {
    const res = await waitFor(async () => {
      const r = await api.request('GET', '/v1/hosts');
      return r.body.length === 3 && r;
    });
    const alpha = res.body.find((host: { name: string }) => host.name === 'alpha');
    expect(alpha).toMatchObject({ name: 'alpha', labels: { role: 'web' }, status: 'online', kernel: '6.8.0-test' });
    expect(alpha.capabilities.tracepoint).toBe(true);
    expect(Date.parse(alpha.lastSeen)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('creates a job: one queued run per host, each a BullMQ job with jobId = run id on trace-host-<host>', async () => {
    const res = await api.request('POST', '/v1/jobs', {
      body: { tool: 'syscount', hosts: ['alpha', 'beta'], durationSec: 7, params: { pid: 42, by: ['syscall', 'pid'] } },
    });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['id', 'runs', 'status']);
    expect(res.body.status).toBe('queued');
    expect(res.body.runs).toHaveLength(2);
    for (const run of res.body.runs) {
      expect(Object.keys(run).sort()).toEqual(['error', 'host', 'id', 'status']);
      expect(run.status).toBe('queued');
      const queued = await env.queue(traceHostQueueName(run.host)).getJob(run.id);
      expect(queued?.id).toBe(run.id);
      expect(queued?.data).toEqual({
        jobId: res.body.id,
        runId: run.id,
        host: run.host,
        tool: 'syscount',
        durationSec: 7,
        // Defaults filled in by the tool's schema.
        params: { pid: 42, by: ['syscall', 'pid'], latency: false, failedOnly: false },
      });
    }

    const got = await api.request('GET', `/v1/jobs/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: res.body.id, tool: 'syscount', status: 'queued', durationSec: 7 });
    expect(got.body.params).toEqual({ pid: 42, by: ['syscall', 'pid'], latency: false, failedOnly: false });
    expect(Date.parse(got.body.createdAt)).not.toBeNaN();
    expect(got.body.runs.map((run: { host: string }) => run.host).sort()).toEqual(['alpha', 'beta']);
    expect(got.body.runs[0]).toEqual({
      id: expect.any(String),
      host: expect.any(String),
      status: 'queued',
      startedAt: null,
      finishedAt: null,
      error: null,
      stats: null,
    });
  });

  it('accepts a host whose heartbeat arrived just before the request (on-demand sync)', async () => {
    await env.heartbeat('fresh');
    const res = await api.request('POST', '/v1/jobs', { body: { tool: 'execsnoop', hosts: ['fresh'], durationSec: 1 } });
    expect(res.status).toBe(201);
  });

  const valid = { tool: 'syscount', hosts: ['alpha'], durationSec: 5, params: {} };
  const badBodies: [string, unknown, string, number?][] = [
    ['unknown tool', { ...valid, tool: 'nosuchtool' }, 'tool'],
    ['tool not a string', { ...valid, tool: 5 }, 'tool'],
    ['missing tool', { hosts: ['alpha'], durationSec: 5 }, 'tool'],
    ['unknown host', { ...valid, hosts: ['alpha', 'ghost'] }, 'hosts'],
    ['empty hosts', { ...valid, hosts: [] }, 'hosts'],
    ['duplicate hosts', { ...valid, hosts: ['alpha', 'alpha'] }, 'hosts'],
    ['host name with bad characters', { ...valid, hosts: ['a/b'] }, 'hosts'],
    ['host lacking a required capability', { ...valid, hosts: ['notp'] }, 'hosts'],
    ['durationSec 0', { ...valid, durationSec: 0 }, 'durationSec'],
    ['durationSec above max', { ...valid, durationSec: 3601 }, 'durationSec'],
    ['durationSec fractional', { ...valid, durationSec: 1.5 }, 'durationSec'],
    ['durationSec string', { ...valid, durationSec: '5' }, 'durationSec'],
    ['params fail the schema', { ...valid, params: { pid: 0 } }, 'params.pid'],
    ['params wrong type', { ...valid, params: { latency: 'yes' } }, 'params.latency'],
    ['unknown field in params', { ...valid, params: { bogus: 1 } }, 'params.bogus'],
    ['params not an object', { ...valid, params: [1] }, 'params'],
    ['params breaking a cross-field rule', { ...valid, tool: 'offcputime', params: { minBlockUs: 5000, maxBlockUs: 10 } }, 'params.maxBlockUs'],
    ['profile frequency above 1000 Hz', { ...valid, tool: 'profile', params: { frequencyHz: 5000 } }, 'params.frequencyHz'],
    ['profile stack half unknown', { ...valid, tool: 'profile', params: { stack: 'both ' } }, 'params.stack'],
    ['funccount probe with path traversal', { ...valid, tool: 'funccount', params: { probes: ['u:libc:getpid', 'u:../../etc/passwd:x'] } }, 'params.probes.1'],
    ['funccount probe with shell metacharacters', { ...valid, tool: 'funccount', params: { probes: ['u:/bin/ls;reboot:main'] } }, 'params.probes.0'],
    ['funccount 10,000 probes', { ...valid, tool: 'funccount', params: { probes: Array.from({ length: 10_000 }, (_, i) => `t:a:e${i}`) } }, 'params.probes'],
    ['funccount probe of an unknown letter', { ...valid, tool: 'funccount', params: { probes: ['x:libc:malloc'] } }, 'params.probes.0'],
    ['funccount probe with an empty part', { ...valid, tool: 'funccount', params: { probes: ['u::malloc'] } }, 'params.probes.0'],
    ['stackcount probe with a command in it', { ...valid, tool: 'stackcount', params: { probe: 't:sched:$(id)' } }, 'params.probe'],
    ['trace arg index 6', { ...valid, tool: 'trace', params: { probes: [{ probe: 'u:libc:getpid', args: [{ index: 6, type: 's64' }] }] } }, 'params.probes.0.args.0.index'],
    ['trace arg of an unknown type', { ...valid, tool: 'trace', params: { probes: [{ probe: 'u:libc:getpid', args: [{ index: 0, type: 'int' }] }] } }, 'params.probes.0.args.0.type'],
    ['trace string filter with a number op', { ...valid, tool: 'trace', params: { probes: [{ probe: 'u:libc:getenv', filter: { arg: 0, op: '<', value: 'HOME' } }] } }, 'params.probes.0.filter.op'],
    ['trace 33 probes', { ...valid, tool: 'trace', params: { probes: Array.from({ length: 33 }, () => ({ probe: 'u:libc:getpid' })) } }, 'params.probes'],
    ['trace probe with a wildcard', { ...valid, tool: 'trace', params: { probes: [{ probe: 'u:libc:get*' }] } }, 'params.probes.0.probe'],
    ['trace arg slot on a tracepoint', { ...valid, tool: 'trace', params: { probes: [{ probe: 't:sched:sched_switch', args: [{ index: 0, type: 's64' }] }] } }, 'params.probes.0.args.0.index'],
    ['trace retval of an entry probe', { ...valid, tool: 'trace', params: { probes: [{ probe: 'u:libc:getpid', retval: 's64' }] } }, 'params.probes.0.retval'],
    ['argdist arg index 6', { ...valid, tool: 'argdist', params: { probe: 'u:libc:malloc', value: { arg: 6, type: 'u64' } } }, 'params.value.arg'],
    ['argdist value of an unknown type', { ...valid, tool: 'argdist', params: { probe: 'u:libc:malloc', value: { arg: 0, type: 'float' } } }, 'params.value.type'],
    ['argdist string filter with a number op', { ...valid, tool: 'argdist', params: { probe: 'u:libc:getenv', value: { arg: 0, type: 'str' }, mode: 'counts', filter: { arg: 0, op: '>=', value: 'A' } } }, 'params.filter.op'],
    ['argdist histogram of strings', { ...valid, tool: 'argdist', params: { probe: 'u:libc:getenv', value: { arg: 0, type: 'str' }, mode: 'histogram' } }, 'params.value.type'],
    ['unknown field in body', { ...valid, priority: 'high' }, 'priority'],
    ['body is an array', [valid], 'body'],
  ];

  it.each(badBodies)('%s → 400 naming the field, nothing written', async (_name, body, field) => {
    const before = [await count('jobs'), await count('runs')];
    const res = await api.request('POST', '/v1/jobs', { body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(res.body.message).toContain(`${field}`);
    expect([await count('jobs'), await count('runs')]).toEqual(before);
  });

  it('names the host and the missing capability', async () => {
    const res = await api.request('POST', '/v1/jobs', { body: { ...valid, hosts: ['notp'] } });
    expect(res.body.message).toContain('notp');
    expect(res.body.message).toContain('rawTracepoint');
  });

  const badRequests: [string, { rawBody?: string; headers?: Record<string, string> }, number, string][] = [
    ['malformed JSON', { rawBody: '{"tool": "syscount",', headers: { 'content-type': 'application/json' } }, 400, 'JSON'],
    ['empty JSON body', { rawBody: '', headers: { 'content-type': 'application/json' } }, 400, 'body'],
    ['text/plain', { rawBody: 'hello', headers: { 'content-type': 'text/plain' } }, 415, 'content type'],
    ['form-encoded', { rawBody: 'tool=syscount', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'content type'],
    [
      'body over 1 MiB',
      { rawBody: JSON.stringify({ ...valid, params: { comm: 'x'.repeat(1_100_000) } }), headers: { 'content-type': 'application/json' } },
      413,
      '1 MiB',
    ],
  ];

  it.each(badRequests)('%s → %s with a JSON error body', async (_name, options, status, text) => {
    const before = await count('jobs');
    const res = await api.request('POST', '/v1/jobs', options);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ statusCode: status, error: expect.any(String) });
    expect(res.body.message).toContain(text);
    expect(await count('jobs')).toBe(before);
  });

  it.each([
    ['/v1/jobs/not-a-uuid', 'id'],
    ['/v1/runs/123/result', 'id'],
    ['/v1/jobs?limit=0', 'limit'],
    ['/v1/jobs?limit=101', 'limit'],
    ['/v1/jobs?limit=ten', 'limit'],
    ['/v1/jobs?cursor=garbage', 'cursor'],
    ['/v1/jobs?sort=asc', 'sort'],
  ])('GET %s → 400 naming %s', async (path, field) => {
    const res = await api.request('GET', path);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(field);
  });

  it('GET of an unknown job or run is 404', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    expect((await api.request('GET', `/v1/jobs/${id}`)).status).toBe(404);
    const res = await api.request('GET', `/v1/runs/${id}/result`);
    expect(res.status).toBe(404);
    expect(res.body.message).toContain('not found');
  });

  it('lists newest first, page by page, with an opaque cursor', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await api.request('POST', '/v1/jobs', { body: { ...valid, durationSec: 10 + i } });
      created.push(res.body.id);
    }
    const total = await count('jobs');
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await api.request(
        'GET',
        `/v1/jobs?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((item) => item.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(pages).toBe(Math.ceil(total / 2));
    expect(seen.slice(0, 5)).toEqual([...created].reverse());
    const first = await api.request('GET', '/v1/jobs?limit=1');
    expect(first.body.items[0]).toMatchObject({ id: created[4], tool: 'syscount', status: 'queued' });
    expect(first.body.items[0].runs).toHaveLength(1);
  });

  it('answers 503 and fails the runs when Redis will not take the job', async () => {
    const queues = api.app.get(QueueRepository);
    const spy = vi.spyOn(queues, 'enqueueTraces').mockRejectedValueOnce(new Error('connection refused'));
    const before = await count('jobs');
    const res = await api.request('POST', '/v1/jobs', { body: valid });
    spy.mockRestore();
    expect(res.status).toBe(503);
    expect(res.body.message).toContain('Redis');
    const [job] = await sql<{ id: string; status: string }>(env.databaseUrl, `SELECT id, status FROM jobs ORDER BY created_at DESC LIMIT 1`);
    expect(await count('jobs')).toBe(before + 1);
    expect(job.status).toBe('failed');
    const runs = await sql<{ status: string; error: string }>(env.databaseUrl, `SELECT status, error FROM runs WHERE job_id = $1`, [job.id]);
    expect(runs).toEqual([{ status: 'failed', error: expect.stringContaining('connection refused') }]);
  });
});
