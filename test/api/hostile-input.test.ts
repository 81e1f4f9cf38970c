/**
 * Classes of hostile input, through the real API: each is a 4xx with a JSON body that names the field, never
 * a 5xx, and writes nothing. And the database away: 503 on every route, like Redis.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, postgresServerUrl, sql, startApi, type RunningApi, type TestEnv } from '../support/index.js';

/** One raw HTTP/1.1 exchange, for requests fetch() will not send (no Host, a bogus Expect). */
function rawRequest(port: number, head: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('end', () => {
      const [statusLine = '', ...rest] = data.split('\r\n');
      resolve({ status: Number(statusLine.split(' ')[1]), body: rest.slice(rest.indexOf('') + 1).join('\r\n') });
    });
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer')));
  });
}

describe('hostile input', () => {
  let env: TestEnv;
  let api: RunningApi;
  const job = (extra: object = {}) => ({ tool: 'syscount', hosts: ['h1'], durationSec: 1, ...extra });
  const post = (rawBody: string) => api.request('POST', '/v1/jobs', { rawBody, headers: { 'content-type': 'application/json' } });
  const jobCount = async () => Number((await sql<{ n: string }>(env.databaseUrl, 'SELECT count(*) AS n FROM jobs'))[0].n);

  beforeAll(async () => {
    env = await createTestEnv('hostile');
    await env.heartbeat('h1');
    api = await startApi(env);
  });

  afterAll(async () => {
    await api?.close();
    await env?.close();
  });

  it('refuses JSON nested thousands of levels deep in any field with a 400, before any parser recursion', async () => {
    for (const deep of [`{"params":{"x":${'['.repeat(5000)}${']'.repeat(5000)}}}`, `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`]) {
      const res = await post(deep);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([{ field: 'body', message: 'nests deeper than 32 levels' }]);
    }
    // Brackets inside strings are text, not depth.
    const res = await post(JSON.stringify(job({ params: { comm: '[{'.repeat(7) } })));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('refuses NUL and lone surrogates in values and keys, naming the field', async () => {
    const before = await jobCount();
    const cases: [string, string][] = [
      [JSON.stringify(job({ tool: 'sys\u0000count' })), 'tool'],
      ['{"tool":"syscount","hosts":["h1"],"durationSec":1,"params":{"comm":"a\\ud800b"}}', 'params.comm'],
      ['{"tool":"syscount","hosts":["h1","h\\udc00"],"durationSec":1}', 'hosts.1'],
      ['{"tool":"syscount","hosts":["h1"],"durationSec":1,"params":{"a\\u0000":1}}', 'params.a\u0000'],
    ];
    for (const [body, field] of cases) {
      const res = await post(body);
      expect(res.status, body).toBe(400);
      expect(res.body.details[0].field, body).toBe(field);
    }
    expect(await jobCount()).toBe(before);
  });

  it('refuses __proto__, constructor, prototype and hasOwnProperty as unknown fields in body, params and query', async () => {
    const before = await jobCount();
    for (const key of ['__proto__', 'constructor', 'prototype', 'hasOwnProperty']) {
      const inBody = await post(`{"tool":"syscount","hosts":["h1"],"durationSec":1,"${key}":{"x":1}}`);
      expect(inBody.status, key).toBe(400);
      expect(inBody.body.details, key).toEqual([{ field: key, message: 'is not a known field' }]);
      const inParams = await post(`{"tool":"syscount","hosts":["h1"],"durationSec":1,"params":{"${key}":{"pid":1}}}`);
      expect(inParams.body.details, key).toEqual([{ field: `params.${key}`, message: 'is not a known field' }]);
      const inQuery = await api.request('GET', `/v1/jobs?${key}=1`);
      expect(inQuery.status, key).toBe(400);
      expect(inQuery.body.details, key).toEqual([{ field: key, message: 'is not a known field' }]);
    }
    expect(await jobCount()).toBe(before);
  });

  it('names both of two mutually exclusive fields', async () => {
    const res = await api.request('POST', '/v1/jobs', { body: { tool: 'syscount', hosts: ['h1'], all: true, durationSec: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('hosts and all are mutually exclusive');
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['hosts', 'all']);
  });

  it('answers HTTP edge cases with a JSON body: 417 for a bogus Expect, 400 without Host', async () => {
    const port = Number(new URL(api.url).port);
    const expect417 = await rawRequest(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: tea\r\nConnection: close\r\n\r\n');
    expect(expect417.status).toBe(417);
    expect(JSON.parse(expect417.body)).toMatchObject({ statusCode: 417, error: 'Expectation Failed' });
    const noHost = await rawRequest(port, 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(noHost.status).toBe(400);
    expect(JSON.parse(noHost.body)).toEqual({ statusCode: 400, error: 'Bad Request', message: 'missing Host header (HTTP/1.1 requires one)' });
  });

  it('answers 503, not 500, on every route while Postgres refuses the database, and recovers', async () => {
    const name = new URL(env.databaseUrl).pathname.slice(1);
    const server = postgresServerUrl();
    await sql(server, `ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    try {
      await sql(server, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
      for (const [method, path, body] of [
        ['GET', '/v1/jobs', undefined],
        ['GET', '/v1/hosts', undefined],
        ['POST', '/v1/jobs', job()],
        ['GET', '/v1/checks', undefined],
      ] as const) {
        const res = await api.request(method, path, { body });
        expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(503);
        expect(res.body.message).toBe('the database (Postgres) is unavailable; retry later');
      }
    } finally {
      await sql(server, `ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    }
    expect((await api.request('GET', '/v1/jobs')).status).toBe(200);
  });
});
