/**
 * Who may do what, through the real API and Postgres: scopes, tokens made, listed and revoked, expiry, the
 * admin token following BPFLEET_ADMIN_TOKEN, and the audit log of mutating and denied requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, sql, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';

describe('tokens, scopes and the audit log', () => {
  let env: TestEnv;
  let api: RunningApi;
  const job = { tool: 'syscount', hosts: ['h1'], durationSec: 1 };

  beforeAll(async () => {
    env = await createTestEnv('tokens');
    await env.heartbeat('h1');
    api = await startApi(env);
  });

  afterAll(async () => {
    await api?.close();
    await env?.close();
  });

  it('gives the secret once, lists tokens without secrets, and enforces each scope with a 403 naming it', async () => {
    const created = await api.request('POST', '/v1/tokens', { body: { name: 'reader', scopes: ['read'] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'reader', scopes: ['read'], expiresAt: null, revokedAt: null, bootstrap: false });
    expect(created.body.token).toMatch(/^bpf_[A-Za-z0-9_-]{43}$/);
    const reader = created.body.token as string;

    const listed = await api.request('GET', '/v1/tokens');
    expect(listed.body.map((t: { name: string }) => t.name)).toContain('reader');
    expect(JSON.stringify(listed.body)).not.toContain(reader);
    expect(listed.body.every((t: object) => !('token' in t) && !('hash' in t))).toBe(true);

    expect((await api.request('GET', '/v1/jobs', { token: reader })).status).toBe(200);
    const post = await api.request('POST', '/v1/jobs', { body: job, token: reader });
    expect(post.status).toBe(403);
    expect(post.body).toEqual({ statusCode: 403, error: 'Forbidden', scope: 'run', message: 'this request needs the "run" scope; token "reader" has read' });

    const runner = await api.createToken('ci', ['read', 'run']);
    const made = await api.request('POST', '/v1/jobs', { body: job, token: runner });
    expect(made.status).toBe(201);
    const [ci] = (await api.request('GET', '/v1/tokens')).body.filter((t: { name: string }) => t.name === 'ci');
    expect((await api.request('GET', `/v1/jobs/${made.body.id}`)).body.createdBy).toBe(ci.id);
    for (const [method, path] of [['GET', '/v1/audit'], ['GET', '/v1/tokens'], ['POST', '/v1/tokens']] as const) {
      const res = await api.request(method, path, { token: runner, body: method === 'POST' ? { name: 'x', scopes: ['admin'] } : undefined });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.scope).toBe('admin');
    }
  });

  it('refuses bad tokens to create, naming the field', async () => {
    for (const [body, field] of [
      [{ name: 'x', scopes: ['root'] }, 'scopes'],
      [{ name: 'x', scopes: [] }, 'scopes'],
      [{ name: 'has space', scopes: ['read'] }, 'name'],
      [{ name: 'x', scopes: ['read'], expiresInDays: 0 }, 'expiresInDays'],
    ] as const) {
      const res = await api.request('POST', '/v1/tokens', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.details[0].field).toBe(field);
    }
  });

  it('revokes a token at once, and refuses an expired one', async () => {
    const token = await api.createToken('short-lived', ['read']);
    expect((await api.request('GET', '/v1/hosts', { token })).status).toBe(200);
    const [row] = (await api.request('GET', '/v1/tokens')).body.filter((t: { name: string }) => t.name === 'short-lived');
    const revoked = await api.request('DELETE', `/v1/tokens/${row.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const after = await api.request('GET', '/v1/hosts', { token });
    expect(after.status).toBe(401);
    expect(after.body.message).toBe('the bearer token is not valid');

    const expiring = await api.request('POST', '/v1/tokens', { body: { name: 'expiring', scopes: ['read'], expiresInDays: 1 } });
    await sql(env.databaseUrl, `UPDATE tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [expiring.body.id]);
    const expired = await api.request('GET', '/v1/hosts', { token: expiring.body.token });
    expect(expired.status).toBe(401);
    expect(expired.body.message).toBe('the bearer token has expired');

    const [bootstrap] = (await api.request('GET', '/v1/tokens')).body.filter((t: { bootstrap: boolean }) => t.bootstrap);
    expect((await api.request('DELETE', `/v1/tokens/${bootstrap.id}`)).status).toBe(409);
  });

  it('leaves the old admin token invalid when BPFLEET_ADMIN_TOKEN changes', async () => {
    const before = api.token;
    await api.close();
    api = await startApi(env, { adminToken: 'a-new-admin-token-for-this-test-0123456789' });
    expect((await api.request('GET', '/v1/tokens', { token: before })).status).toBe(401);
    expect((await api.request('GET', '/v1/tokens')).status).toBe(200);
  });

  it('records every mutating request and every denied one: who, what, when, from where, the status', async () => {
    const runner = await api.createToken('auditee', ['read', 'run']);
    const made = await api.request('POST', '/v1/jobs', { body: { ...job, params: { comm: 'bench' } }, token: runner });
    await api.request('POST', `/v1/jobs/${made.body.id}/cancel`, { token: runner });
    await api.request('GET', '/v1/jobs', { token: 'not-a-token' });
    await api.request('GET', '/v1/audit', { token: runner });
    await api.request('GET', '/v1/jobs', { token: runner }); // read, allowed: not audited

    const entries = await waitFor(async () => {
      const { body } = await api.request('GET', '/v1/audit?limit=200');
      const ours = body.items.filter(
        (e: { tokenName: string | null; path: string; status: number }) => e.tokenName === 'auditee' || (e.path === '/v1/jobs' && e.status === 401),
      );
      return ours.length >= 4 && ours;
    }, { what: 'audit entries' });
    const brief = entries.map((e: Record<string, unknown>) => [e.method, e.route, e.status, e.tokenName]);
    expect(brief).toEqual([
      ['GET', '/v1/audit', 403, 'auditee'],
      ['GET', '/v1/jobs', 401, null],
      ['POST', '/v1/jobs/:id/cancel', 200, 'auditee'],
      ['POST', '/v1/jobs', 201, 'auditee'],
    ]);
    const create = entries[3];
    expect(create).toMatchObject({ jobId: made.body.id, tool: 'syscount', hosts: ['h1'], params: { comm: 'bench' }, remoteAddress: '127.0.0.1' });
    expect(entries[2].jobId).toBe(made.body.id);
    expect(Date.parse(create.at)).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('rate limits', () => {
  let env: TestEnv;
  let api: RunningApi;

  beforeAll(async () => {
    env = await createTestEnv('rate-limit');
    await env.heartbeat('h1');
    api = await startApi(env, { rateLimitPerMin: 3 });
  });

  afterAll(async () => {
    await api?.close();
    await env?.close();
  });

  it('answers 429 with Retry-After past a token\'s mutating requests per minute; reads and other tokens are not held back', async () => {
    const ci = await api.createToken('busy-ci', ['read', 'run']);
    const other = await api.createToken('other', ['read', 'run']);
    const job = { tool: 'syscount', hosts: ['h1'], durationSec: 1 };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await api.request('POST', '/v1/jobs', { body: job, token: ci })).status);
    expect(statuses).toEqual([201, 201, 201]);
    const limited = await api.request('POST', '/v1/jobs', { body: job, token: ci });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(limited.body.message).toMatch(/^over 3 mutating requests per minute for this token; retry in \d+ s$/);
    expect((await api.request('GET', '/v1/jobs', { token: ci })).status).toBe(200);
    expect((await api.request('POST', '/v1/jobs', { body: job, token: other })).status).toBe(201);
    const denied = await waitFor(async () => {
      const { body } = await api.request('GET', '/v1/audit?limit=20');
      return body.items.find((e: { status: number }) => e.status === 429);
    }, { what: 'the 429 in the audit log' });
    expect(denied, JSON.stringify(denied)).toMatchObject({ tokenName: 'busy-ci', method: 'POST', route: '/v1/jobs', status: 429 });
  });
});
