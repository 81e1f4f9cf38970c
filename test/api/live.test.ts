/**
 * GET /v1/jobs/:id/events through the real API, Postgres (LISTEN/NOTIFY) and Redis; the agents are played by this
 * test, putting the messages a real agent sends on the results queue.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventsResult, RunMessage } from '../../libs/contracts/src/index.js';
import { QueueRepository } from '../../apps/api/src/repositories/queue.repository.js';
import { createTestEnv, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';
import { openSse, type ReceivedEvent, type SseStream } from '../support/sse.js';

const COLUMNS: EventsResult['columns'] = [{ name: 'n', type: 'int' }];
const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ n: from + i }));

describe('live job events (server-sent)', () => {
  let env: TestEnv;
  let api: RunningApi;

  const report = (message: RunMessage, host: string) => env.report(message, host);
  const chunk = (runId: string, host: string, seq: number, chunkRows: Record<string, unknown>[]) =>
    report({ type: 'chunk', runId, seq, rows: chunkRows, at: new Date().toISOString() }, host);
  const end = (runId: string, host: string, chunks: number, total: number) =>
    report({ type: 'succeeded', runId, at: new Date().toISOString(), result: { kind: 'events', columns: COLUMNS, rows: [], total, dropped: 0, chunks }, stats: {} }, host);

  const createJob = async (hosts: string[]) => {
    const res = await api.request('POST', '/v1/jobs', { body: { tool: 'execsnoop', hosts, durationSec: 60 } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const runs = new Map<string, string>((res.body.runs as { id: string; host: string }[]).map((run) => [run.host, run.id]));
    return { jobId: res.body.id as string, runs };
  };
  const follow = (jobId: string, lastEventId?: string, on: RunningApi = api) =>
    openSse(`${on.url}/v1/jobs/${jobId}/events`, { authorization: `Bearer ${on.token}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) });
  /** Every event until the stream ends (after `end`). */
  const drain = async (stream: SseStream) => {
    const events: ReceivedEvent[] = [];
    for (let event = await stream.next(); event; event = await stream.next()) events.push(event);
    return events;
  };
  /** What an event says, without its id: for comparing streams. */
  const gist = (event: ReceivedEvent) => {
    const data = JSON.parse(event.data);
    if (event.event === 'status') return `${data.host} ${data.status}`;
    if (event.event === 'rows') return `${data.host} #${data.seq} ${data.rows.map((r: { n: number }) => r.n).join(',')}`;
    return `end ${data.status}`;
  };

  /**
   * Reports the run running and waits until that is stored: messages are stored in parallel, so what is sent
   * right after could be stored (and streamed) first.
   */
  const running = async (jobId: string, runId: string, host: string) => {
    await report({ type: 'running', runId, at: new Date().toISOString() }, host);
    await waitFor(async () => (await api.request('GET', `/v1/jobs/${jobId}`)).body.runs.find((r: { id: string }) => r.id === runId).status === 'running', {
      what: `run ${runId} running`,
    });
  };

  /** A job on h1 that ran and sent `chunks` chunks of 3 rows, finished. */
  const finishedJob = async (chunks: number) => {
    const { jobId, runs } = await createJob(['h1']);
    const runId = runs.get('h1')!;
    await running(jobId, runId, 'h1');
    for (let seq = 0; seq < chunks; seq++) await chunk(runId, 'h1', seq, rows(seq * 3, 3));
    await end(runId, 'h1', chunks, chunks * 3);
    await waitFor(async () => (await api.request('GET', `/v1/jobs/${jobId}`)).body.status === 'succeeded', { what: 'job succeeded' });
    return jobId;
  };

  beforeAll(async () => {
    env = await createTestEnv('live');
    await env.heartbeat('h1');
    await env.heartbeat('h2');
    api = await startApi(env, { hostOfflineSec: 3600 });
  });

  afterAll(async () => {
    await api?.close();
    await env?.close();
  });

  it('sends status changes and rows as they are stored, then end once the job has ended, and closes', async () => {
    const { jobId, runs } = await createJob(['h1', 'h2']);
    const [a, b] = [runs.get('h1')!, runs.get('h2')!];
    const stream = await follow(jobId);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events: ReceivedEvent[] = [];
    const next = async () => {
      const event = (await stream.next())!;
      events.push(event);
      return gist(event);
    };
    expect([await next(), await next()].sort()).toEqual(['h1 queued', 'h2 queued']);

    await report({ type: 'running', runId: a, at: new Date().toISOString() }, 'h1');
    expect(await next()).toBe('h1 running');
    await chunk(a, 'h1', 0, rows(0, 3));
    expect(await next()).toBe('h1 #0 0,1,2');
    await report({ type: 'running', runId: b, at: new Date().toISOString() }, 'h2');
    expect(await next()).toBe('h2 running');
    await chunk(b, 'h2', 0, rows(100, 2));
    expect(await next()).toBe('h2 #0 100,101');
    await end(a, 'h1', 1, 3);
    expect(await next()).toBe('h1 succeeded');
    await report({ type: 'failed', runId: b, at: new Date().toISOString(), error: 'ring buffer lost' }, 'h2');
    expect(await next()).toBe('h2 failed');
    expect(await next()).toBe('end partial');
    expect(await stream.next()).toBeUndefined();

    expect(JSON.parse(events.find((e) => gist(e) === 'h2 failed')!.data)).toMatchObject({ runId: b, host: 'h2', status: 'failed', error: 'ring buffer lost' });
    // Every event but end has an id, all distinct.
    const ids = events.filter((e) => e.event !== 'end').map((e) => e.id);
    expect(ids.every((id) => /^\d+-\d+$/.test(id!))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(events.at(-1)!.id).toBeUndefined();
  });

  it('resumes after any Last-Event-ID with exactly the events that followed it', async () => {
    const jobId = await finishedJob(6);
    const all = await drain(await follow(jobId));
    const gists = all.map(gist);
    // Chunks are stored in parallel: in the order they were stored, which the journal keeps.
    expect([...gists.slice(0, 2), ...gists.slice(2, 8).sort(), ...gists.slice(8)]).toEqual([
      'h1 queued',
      'h1 running',
      ...Array.from({ length: 6 }, (_, seq) => `h1 #${seq} ${seq * 3},${seq * 3 + 1},${seq * 3 + 2}`),
      'h1 succeeded',
      'end succeeded',
    ]);
    expect(await drain(await follow(jobId))).toEqual(all);
    for (const cut of [1, 4, all.length - 2]) {
      const resumed = await drain(await follow(jobId, all[cut - 1]!.id));
      expect(resumed).toEqual(all.slice(cut));
    }
  });

  it('a client that reconnects while rows keep coming misses none and gets none twice', async () => {
    const { jobId, runs } = await createJob(['h1']);
    const runId = runs.get('h1')!;
    await running(jobId, runId, 'h1');
    await chunk(runId, 'h1', 0, rows(0, 3));
    const first = await follow(jobId);
    const seen = [(await first.next())!, (await first.next())!, (await first.next())!];
    expect(seen.map(gist)).toEqual(['h1 queued', 'h1 running', 'h1 #0 0,1,2']);
    first.close();

    // While it is away: more chunks, one out of order, and the end.
    await chunk(runId, 'h1', 2, rows(6, 3));
    await chunk(runId, 'h1', 1, rows(3, 3));
    await end(runId, 'h1', 3, 9);
    await waitFor(async () => (await api.request('GET', `/v1/jobs/${jobId}`)).body.status === 'succeeded', { what: 'job succeeded' });

    const rest = await drain(await follow(jobId, seen.at(-1)!.id));
    const whole = await drain(await follow(jobId));
    expect([...seen, ...rest]).toEqual(whole);
    expect(rest.map(gist)).toEqual(['h1 #2 6,7,8', 'h1 #1 3,4,5', 'h1 succeeded', 'end succeeded']);
  });

  it('a client of one API replica sees what another replica stored (Postgres NOTIFY)', async () => {
    const other = await startApi(env, { hostOfflineSec: 3600 });
    // This replica no longer takes results: the other stores everything.
    await api.app.get(QueueRepository).stopResultsWorker();
    try {
      const { jobId, runs } = await createJob(['h1']);
      const runId = runs.get('h1')!;
      const stream = await follow(jobId);
      expect(gist((await stream.next())!)).toBe('h1 queued');
      await report({ type: 'running', runId, at: new Date().toISOString() }, 'h1');
      expect(gist((await stream.next())!)).toBe('h1 running');
      await chunk(runId, 'h1', 0, rows(40, 2));
      expect(gist((await stream.next())!)).toBe('h1 #0 40,41');
      stream.close();
    } finally {
      await other.close();
      await api.close();
      api = await startApi(env, { hostOfflineSec: 3600 });
    }
  });

  it('answers 401 without a token, 404 for an unknown job and 400 for a Last-Event-ID it did not give', async () => {
    const jobId = await finishedJob(1);
    expect((await api.request('GET', `/v1/jobs/${jobId}/events`, { token: null })).status).toBe(401);
    expect((await api.request('GET', `/v1/jobs/${randomUUID()}/events`)).status).toBe(404);
    const bad = await api.request('GET', `/v1/jobs/${jobId}/events`, { headers: { 'last-event-id': 'abc' } });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('Last-Event-ID');
  });
});
