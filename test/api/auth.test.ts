import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, startApi, type RunningApi, type TestEnv } from '../support/index.js';

describe('auth and public endpoints', () => {
  let env: TestEnv;
  let api: RunningApi;

  beforeAll(async () => {
    env = await createTestEnv('auth');
    api = await startApi(env);
  });

  afterAll(async () => {
    await api?.close();
    await env?.close();
  });

  it.each(['/v1/tools', '/v1/hosts', '/v1/jobs'])('GET %s without a token is 401 with a Bearer challenge', async (path) => {
    const res = await api.request('GET', path, { token: null });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="bpfleet"');
    expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
  });

  it('a wrong token is 401 invalid_token, also for POST', async () => {
    const res = await api.request('POST', '/v1/jobs', { token: 'not-the-token', body: {} });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('a non-Bearer scheme is 401', async () => {
    const res = await api.request('GET', '/v1/tools', { token: null, headers: { authorization: `Basic ${api.token}` } });
    expect(res.status).toBe(401);
  });

  it('healthz and readyz are open', async () => {
    expect(await api.request('GET', '/healthz', { token: null })).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await api.request('GET', '/readyz', { token: null })).toMatchObject({
      status: 200,
      body: { status: 'ok', checks: { postgres: 'ok', redis: 'ok' } },
    });
  });

  it('serves OpenAPI 3.1 publicly, generated from the code, with no 3.0 nullable left', async () => {
    const res = await api.request('GET', '/openapi.json', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/v1/tools', '/v1/hosts', '/v1/jobs', '/v1/jobs/{id}', '/v1/runs/{id}/result']),
    );
    expect(JSON.stringify(res.body)).not.toContain('"nullable"');
    expect(res.body.components.schemas.RunResponseDto.properties.startedAt.type).toEqual(['string', 'null']);
    const docs = await fetch(`${api.url}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });

  it('lists the tool catalog with JSON Schemas', async () => {
    const res = await api.request('GET', '/v1/tools');
    expect(res.status).toBe(200);
    const names = res.body.map((tool: { name: string }) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['execsnoop', 'syscount']));
    for (const tool of res.body) {
      expect(Object.keys(tool).sort()).toEqual(['adminOnly', 'description', 'examples', 'name', 'paramsSchema', 'requires', 'resultKind']);
      expect(tool.paramsSchema).toMatchObject({ type: 'object', additionalProperties: false });
    }
    expect(res.body.find((tool: { name: string }) => tool.name === 'syscount').resultKind).toBe('counts');
    expect(res.body.find((tool: { name: string }) => tool.name === 'execsnoop').resultKind).toBe('events');
  });
});
