import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, sql, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';

/** The bpftrace tool through the API: admin tokens only, hosts whose agent allows custom programs only. */
describe('bpftrace jobs', () => {
  let env: TestEnv;
  let api: RunningApi;
  let userToken: string;
  const count = async (table: string) => Number((await sql<{ n: string }>(env.databaseUrl, `SELECT count(*) AS n FROM ${table}`))[0].n);
  const job = (hosts: string[]) => ({
    tool: 'bpftrace',
    hosts,
    durationSec: 5,
    params: { program: 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }' },
  });

  beforeAll(async () => {
    env = await createTestEnv('bpftrace');
    await env.heartbeat('allows'); // every capability, customPrograms included
    await env.heartbeat('refuses', { tracepoint: true, bpftrace: true, customPrograms: false });
    api = await startApi(env);
    userToken = await api.createToken('ci', ['read', 'run']);
    await waitFor(async () => (await api.request('GET', '/v1/hosts')).body.length === 2);
  });

  afterAll(async () => {
    await api?.close();
    await env?.close();
  });

  it('is marked adminOnly in GET /v1/tools (and no other tool is)', async () => {
    const res = await api.request('GET', '/v1/tools', { token: userToken });
    expect(res.status).toBe(200);
    const adminOnly = res.body.filter((tool: { adminOnly: boolean }) => tool.adminOnly).map((tool: { name: string }) => tool.name);
    expect(adminOnly).toEqual(['bpftrace']);
    expect(res.body.find((tool: { name: string }) => tool.name === 'bpftrace')).toMatchObject({
      resultKind: 'counts',
      requires: ['bpftrace', 'customPrograms'],
    });
  });

  it('refuses a non-admin token with 403 naming the reason, writing nothing', async () => {
    const before = [await count('jobs'), await count('runs')];
    const res = await api.request('POST', '/v1/jobs', { body: job(['allows']), token: userToken });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'tool "bpftrace" is admin-only: it runs a program the caller writes, with the agent\'s privileges; use an admin token',
    });
    expect([await count('jobs'), await count('runs')]).toEqual(before);
  });

  it('lets a user token start the other tools', async () => {
    const res = await api.request('POST', '/v1/jobs', { body: { tool: 'syscount', hosts: ['allows'], durationSec: 1 }, token: userToken });
    expect(res.status).toBe(201);
  });

  it('refuses a host whose agent does not allow custom programs with 400 naming hosts', async () => {
    const res = await api.request('POST', '/v1/jobs', { body: job(['allows', 'refuses']) });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ field: 'hosts', message: 'host "refuses" lacks customPrograms, which bpftrace requires' }]);
  });

  it('refuses a program over 64 KiB with 400 naming params.program', async () => {
    const res = await api.request('POST', '/v1/jobs', { body: { ...job(['allows']), params: { program: 'x'.repeat(65_537) } } });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ field: 'params.program', message: 'must NOT have more than 65536 characters' }]);
  });

  it('queues an admin job on a host that allows custom programs, the program as it was written', async () => {
    const res = await api.request('POST', '/v1/jobs', { body: job(['allows']) });
    expect(res.status).toBe(201);
    const got = await api.request('GET', `/v1/jobs/${res.body.id}`);
    expect(got.body.params).toEqual(job(['allows']).params);
  });
});
