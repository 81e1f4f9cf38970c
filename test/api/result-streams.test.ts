/**
 * Streamed events results through the real API, Postgres and Redis: the agent is played by this test, putting
 * the chunk and end messages a real agent sends on the results queue (signed as its host), with rows whose every
 * value is known. The e2e suite (test/e2e/result-streams.test.ts) does the same with the real agent.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventsResult, RunMessage } from '../../libs/contracts/src/index.js';
import { createTestEnv, sql, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

const HOST = 'h1';
const COLUMNS: EventsResult['columns'] = [
  { name: 'ts', type: 'timestamp' },
  { name: 'pid', type: 'int' },
  { name: 'comm', type: 'string' },
  { name: 'args', type: 'string[]' },
  { name: 'ret', type: 'int' },
];

/** Row `n` of a run, execsnoop-shaped, every field derived from `n` (a comma and a quote to test CSV quoting). */
const row = (n: number) => ({
  ts: new Date(Date.UTC(2026, 0, 2, 3, 4, 5) + n).toISOString(),
  pid: 1000 + n,
  comm: `w,"${n % 7}"`,
  args: ['/bin/true', `--n=${n}`],
  ret: n % 3 === 0 ? -2 : 0,
});
const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => row(from + i));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('streamed events results', () => {
  let env: TestEnv;
  let api: RunningApi;

  const report = (message: RunMessage) => env.report(message, HOST);
  const chunk = (runId: string, seq: number, chunkRows: Record<string, unknown>[]) =>
    report({ type: 'chunk', runId, seq, rows: chunkRows, at: new Date().toISOString() });
  const end = (runId: string, chunks: number, total: number, dropped = 0) =>
    report({ type: 'succeeded', runId, at: new Date().toISOString(), result: { kind: 'events', columns: COLUMNS, rows: [], total, dropped, chunks }, stats: { tracedMs: 2000 } });

  /** A job of one execsnoop run on h1, reported running. */
  const startRun = async () => {
    const res = await api.request('POST', '/v1/jobs', { body: { tool: 'execsnoop', hosts: [HOST], durationSec: 60 } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const runId = res.body.runs[0].id as string;
    await report({ type: 'running', runId, at: new Date().toISOString() });
    return { jobId: res.body.id as string, runId };
  };
  const runStatus = async (runId: string) => (await sql<{ status: string }>(env.databaseUrl, 'SELECT status FROM runs WHERE id = $1', [runId]))[0]!.status;
  const waitSucceeded = (runId: string, timeoutMs = 20_000) =>
    waitFor(async () => (await runStatus(runId)) === 'succeeded', { timeoutMs, what: `run ${runId} succeeded` });
  const storedRows = async (runId: string) =>
    Number((await sql<{ n: string }>(env.databaseUrl, 'SELECT count(*) AS n FROM run_events WHERE run_id = $1', [runId]))[0]!.n);
  /** Every row of the result, page by page; the pages as their row counts. */
  const readAll = async (runId: string, limit: number) => {
    const all: unknown[] = [];
    const pages: number[] = [];
    let cursor: string | null | undefined;
    do {
      const res = await api.request('GET', `/v1/runs/${runId}/result?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      all.push(...res.body.rows);
      pages.push(res.body.rows.length);
      cursor = res.body.nextCursor;
    } while (cursor);
    return { all, pages };
  };

  beforeAll(async () => {
    env = await createTestEnv('streams');
    await env.heartbeat(HOST);
    // The fake host heartbeats once: it must not be judged offline while a test waits out an outage.
    api = await startApi(env, { hostOfflineSec: 3600 });
  });

  afterAll(async () => {
    await api?.close();
    await env?.close();
  });

  it('stores each chunk once whatever the order and the number of deliveries, and reads the rows back in order', async () => {
    const { jobId, runId } = await startRun();
    const chunks = [rows(0, 3), rows(3, 3), rows(6, 2)];
    for (const seq of [2, 0, 0, 2, 1, 1]) await chunk(runId, seq, chunks[seq]!);
    await end(runId, 3, 8, 1);
    await waitSucceeded(runId);

    const res = await api.request('GET', `/v1/runs/${runId}/result`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ kind: 'events', columns: COLUMNS, rows: rows(0, 8), total: 8, dropped: 1, complete: true, nextCursor: null });
    expect(await storedRows(runId)).toBe(8);
    const journal = await sql<{ seq: number; row_count: number }>(env.databaseUrl, 'SELECT seq, row_count FROM run_journal WHERE run_id = $1 AND seq IS NOT NULL ORDER BY seq', [runId]);
    expect(journal).toEqual([
      { seq: 0, row_count: 3 },
      { seq: 1, row_count: 3 },
      { seq: 2, row_count: 2 },
    ]);
    expect((await api.request('GET', `/v1/jobs/${jobId}`)).body.status).toBe('succeeded');
  });

  it('pages with limit and cursor: every row once, in order, nextCursor null after the last', async () => {
    const { runId } = await startRun();
    for (let seq = 0; seq < 4; seq++) await chunk(runId, seq, rows(seq * 5, 5));
    await end(runId, 4, 20);
    await waitSucceeded(runId);
    const { all, pages } = await readAll(runId, 6);
    expect(all).toEqual(rows(0, 20));
    expect(pages).toEqual([6, 6, 6, 2]);
    // A limit that divides the rows exactly ends without an empty page.
    expect((await readAll(runId, 10)).pages).toEqual([10, 10]);
  });

  it('stores the end of a run only once all its rows are stored, and serves the rows meanwhile as incomplete', async () => {
    const { runId } = await startRun();
    await chunk(runId, 0, rows(0, 4));
    await end(runId, 2, 6);
    // The end waits a second for missing chunks, then is retried 2 s later: the run is still running after both.
    await sleep(2500);
    expect(await runStatus(runId)).toBe('running');
    const partial = await api.request('GET', `/v1/runs/${runId}/result`);
    expect(partial.body).toMatchObject({ kind: 'events', columns: [], rows: rows(0, 4), total: 4, dropped: 0, complete: false });
    expect(partial.body.nextCursor).toEqual(expect.any(String));

    await chunk(runId, 1, rows(4, 2));
    await waitSucceeded(runId);
    const next = await api.request('GET', `/v1/runs/${runId}/result?cursor=${partial.body.nextCursor}`);
    expect(next.body).toMatchObject({ rows: rows(4, 2), total: 6, complete: true, nextCursor: null, columns: COLUMNS });
  });

  it('stops waiting for a chunk still missing 10 minutes after the run ended: the rows around it are read, the note says why', async () => {
    const { runId } = await startRun();
    await chunk(runId, 0, rows(0, 3));
    await chunk(runId, 2, rows(6, 3));
    const sent = new Date(Date.now() - 11 * 60_000).toISOString();
    await report({ type: 'succeeded', runId, at: sent, result: { kind: 'events', columns: COLUMNS, rows: [], total: 9, dropped: 0, chunks: 3 }, stats: {} });
    await waitSucceeded(runId);
    const res = await api.request('GET', `/v1/runs/${runId}/result`);
    expect(res.body).toMatchObject({
      rows: [...rows(0, 3), ...rows(6, 3)],
      complete: true,
      nextCursor: null,
      note: '1 of its 3 chunks of rows never reached the API; their rows are not in the result',
    });
    // Too late: it changes nothing.
    await chunk(runId, 1, rows(3, 3));
    await sleep(500);
    expect(await storedRows(runId)).toBe(6);
  });

  it('pages stably while the chunks arrive out of order: a reader gets every row once, in order', async () => {
    const { runId } = await startRun();
    const order = [3, 0, 1, 7, 2, 5, 4, 9, 6, 8, 11, 10];
    const reader = (async () => {
      const got: unknown[] = [];
      let cursor: string | undefined;
      for (;;) {
        const res = await api.request('GET', `/v1/runs/${runId}/result?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
        if (res.status === 404) {
          await sleep(20);
          continue;
        }
        got.push(...res.body.rows);
        if (res.body.nextCursor === null) return got;
        cursor = res.body.nextCursor;
        if (res.body.rows.length === 0) await sleep(20);
      }
    })();
    for (const seq of order) {
      await chunk(runId, seq, rows(seq * 5, 5));
      await sleep(30);
    }
    await end(runId, 12, 60);
    expect(await reader).toEqual(rows(0, 60));
  });

  it('loses nothing sent while the API is down: chunks and end wait in Redis', async () => {
    const { runId } = await startRun();
    await api.close();
    for (const seq of [1, 0, 2]) await chunk(runId, seq, rows(seq * 4, 4));
    await end(runId, 3, 12);
    await sleep(300);
    expect(await storedRows(runId)).toBe(0);

    api = await startApi(env, { hostOfflineSec: 3600 });
    await waitSucceeded(runId);
    expect((await readAll(runId, 100)).all).toEqual(rows(0, 12));
  });

  it('delays, never loses, what arrives while Postgres is away for 10 s', async () => {
    const target = new URL(env.databaseUrl);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(env.databaseUrl);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const { runId } = await startRun();
    // Only the API behind the proxy takes results now.
    await api.close();
    const proxied = await startApi(env, { hostOfflineSec: 3600, databaseUrl: viaProxy.toString() });
    try {
      await chunk(runId, 0, rows(0, 10));
      await chunk(runId, 1, rows(10, 10));
      await waitFor(async () => (await storedRows(runId)) === 20, { what: 'the first two chunks stored' });

      await proxy.down();
      await chunk(runId, 3, rows(30, 10));
      await chunk(runId, 2, rows(20, 10));
      await end(runId, 4, 40);
      await sleep(10_000);
      expect(await storedRows(runId)).toBe(20);
      expect(await runStatus(runId)).toBe('running');

      await proxy.up();
      await waitSucceeded(runId, 30_000);
      expect(await storedRows(runId)).toBe(40);
    } finally {
      await proxied.close();
      await proxy.close();
      api = await startApi(env, { hostOfflineSec: 3600 });
    }
    expect((await readAll(runId, 15)).all).toEqual(rows(0, 40));
  });

  it('streams the whole result as CSV and NDJSON, in order, across many chunks', async () => {
    const { runId } = await startRun();
    const total = 12_001;
    for (let seq = 0; seq * 1000 < total; seq++) await chunk(runId, seq, rows(seq * 1000, Math.min(1000, total - seq * 1000)));
    await end(runId, 13, total);
    await waitSucceeded(runId, 60_000);

    const csv = await fetch(`${api.url}/v1/runs/${runId}/result?format=csv`, { headers: { authorization: `Bearer ${api.token}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="${HOST}-${runId}.csv"`);
    const records: string[][] = parseCsv(await csv.text(), { record_delimiter: '\r\n' });
    expect(records[0]).toEqual(['ts', 'pid', 'comm', 'args', 'ret']);
    expect(records).toHaveLength(total + 1);
    const expected = rows(0, total);
    expect(records.slice(1)).toEqual(expected.map((r) => [r.ts, String(r.pid), r.comm, JSON.stringify(r.args), String(r.ret)]));

    const ndjson = await fetch(`${api.url}/v1/runs/${runId}/result?format=ndjson`, { headers: { authorization: `Bearer ${api.token}` } });
    expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson');
    const text = await ndjson.text();
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual(expected);
  });

  it('pages a result whose rows came inline (an agent from before streaming) the same way', async () => {
    const { runId } = await startRun();
    await report({ type: 'succeeded', runId, at: new Date().toISOString(), result: { kind: 'events', columns: COLUMNS, rows: rows(0, 5), total: 5, dropped: 0 }, stats: {} });
    await waitSucceeded(runId);
    const { all, pages } = await readAll(runId, 2);
    expect(all).toEqual(rows(0, 5));
    expect(pages).toEqual([2, 2, 1]);
    const ndjson = await api.request('GET', `/v1/runs/${runId}/result?format=ndjson`);
    expect(ndjson.body.trimEnd().split('\n').map((line: string) => JSON.parse(line))).toEqual(rows(0, 5));
  });

  it('compares streamed events results by column from their stored rows', async () => {
    const base = await startRun();
    const target = await startRun();
    await chunk(base.runId, 0, rows(0, 14));
    await end(base.runId, 1, 14);
    await chunk(target.runId, 0, rows(0, 7));
    await chunk(target.runId, 1, rows(0, 7));
    await end(target.runId, 2, 14);
    await waitSucceeded(base.runId);
    await waitSucceeded(target.runId);
    const res = await api.request('GET', `/v1/compare?base=${base.runId}&target=${target.runId}&by=comm`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // Each comm w,"k" (k = n mod 7) appears twice in both: 0..13, and 0..6 twice.
    expect(res.body).toMatchObject({ kind: 'events', keys: ['comm'] });
    expect(res.body.rows.map((r: { comm: string; base: number; target: number }) => [r.comm, r.base, r.target]).sort()).toEqual(
      Array.from({ length: 7 }, (_, k) => [`w,"${k}"`, 2, 2]),
    );
  });

  it('refuses a bad limit or cursor, and paging where it does not apply, naming the parameter', async () => {
    const { runId } = await startRun();
    await chunk(runId, 0, rows(0, 1));
    await end(runId, 1, 1);
    await waitSucceeded(runId);
    const field = async (query: string) => {
      const res = await api.request('GET', `/v1/runs/${runId}/result?${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      return res.body.details[0].field;
    };
    expect(await field('limit=0')).toBe('limit');
    expect(await field('limit=100001')).toBe('limit');
    expect(await field('cursor=nope')).toBe('cursor');
    expect(await field(`cursor=${Buffer.from('j:1').toString('base64url')}`)).toBe('cursor');
    expect(await field('format=csv&limit=5')).toBe('limit');
    expect(await field('format=ndjson&cursor=abc')).toBe('cursor');

    const counts = await api.request('POST', '/v1/jobs', { body: { tool: 'syscount', hosts: [HOST], durationSec: 1 } });
    const countsRun = counts.body.runs[0].id;
    await report({ type: 'succeeded', runId: countsRun, at: new Date().toISOString(), result: { kind: 'counts', keys: ['syscall'], rows: [], total: 0 }, stats: {} });
    await waitSucceeded(countsRun);
    const paged = await api.request('GET', `/v1/runs/${countsRun}/result?limit=5`);
    expect(paged.status).toBe(400);
    expect(paged.body.details[0].field).toBe('limit');
    expect((await api.request('GET', `/v1/runs/${countsRun}/result?format=ndjson`)).body.details[0].field).toBe('format');
  });
});
