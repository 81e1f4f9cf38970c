/**
 * Tags, stop, comparison, exports and checks through the real API, Postgres and Redis. The agent is played
 * by this test: it puts the messages a real agent sends on the results queue, with results constructed so
 * that every expected figure is known (the e2e suites do the same with the real agent and kernel).
 */
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { Profile } from 'pprof-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  runCancelKey,
  type CountsResult,
  type HistogramResult,
  type RunMessage,
  type StacksResult,
  type ToolResult,
} from '../../libs/contracts/src/index.js';
import { summarizeBuckets } from '../../libs/bpf/src/histogram/index.js';
import { createTestEnv, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';

interface Job {
  id: string;
  status: string;
  tags: string[];
  runs: { id: string; host: string; status: string }[];
}

const counts = (getppid: number, read = 50): CountsResult => ({
  kind: 'counts',
  keys: ['syscall'],
  rows: [
    { syscall: 'getppid', count: getppid },
    { syscall: 'read', count: read },
  ],
  total: getppid + read,
});

/** `n` latencies spread evenly over [lo, lo·2) microseconds, as log-linear buckets of width lo/8. */
function latencies(n: number, lo: number): HistogramResult {
  const width = lo / 8;
  const buckets = Array.from({ length: 8 }, (_, i) => ({ lo: lo + i * width, hi: lo + (i + 1) * width, count: n / 8 }));
  return summarizeBuckets(buckets, 'us');
}

const frames = (...symbols: string[]) => symbols.map((symbol) => ({ symbol, module: '/usr/bin/app' }));
/** `hot` samples in work(), the rest in idle_loop(), both under main. */
const profile = (hot: number, rest: number): StacksResult => ({
  kind: 'stacks',
  unit: 'samples',
  stacks: [
    { frames: frames('work', 'main'), comm: 'app', pid: 7, count: hot },
    { frames: frames('idle_loop', 'main'), comm: 'app', pid: 7, count: rest },
  ].sort((a, b) => b.count - a.count),
  total: hot + rest,
});

describe('tags, stop, compare, exports and checks', () => {
  let env: TestEnv;
  let api: RunningApi;

  /** As the agent of the run's host reports it (signed). */
  const send = (message: RunMessage) => env.report(message);

  const getJob = async (id: string): Promise<Job> => (await api.request('GET', `/v1/jobs/${id}`)).body;

  const createJob = async (tool: string, params: object = {}, hosts = ['h1'], durationSec = 5): Promise<Job> => {
    const res = await api.request('POST', '/v1/jobs', { body: { tool, hosts, durationSec, params } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };

  /** Plays the agents: every run of the job runs, then succeeds with `result(host)`. */
  const finishJob = async (job: Job, result: (host: string) => ToolResult, tracedMs = 5000): Promise<Job> => {
    const at = new Date().toISOString();
    for (const run of job.runs) {
      await send({ type: 'running', runId: run.id, at });
      await send({ type: 'succeeded', runId: run.id, at, result: result(run.host), stats: { tracedMs } });
    }
    return waitFor(async () => {
      const current = await getJob(job.id);
      return current.status === 'succeeded' && current;
    }, { what: `job ${job.id} succeeded` });
  };

  const jobWith = async (tool: string, result: (host: string) => ToolResult, params: object = {}, hosts = ['h1']) =>
    finishJob(await createJob(tool, params, hosts), result);

  beforeAll(async () => {
    env = await createTestEnv('compare');
    for (const host of ['h1', 'h2', 'h3', 'h4']) await env.heartbeat(host);
    api = await startApi(env);
  });

  afterAll(async () => {
    await api?.close();
    await env?.close();
  });

  describe('tags', () => {
    it('tags a job, lists jobs by tag, tool and host, and removes the tag', async () => {
      const tag = `t-${randomUUID().slice(0, 8)}`;
      const job = await createJob('syscount', {}, ['h2']);
      const other = await createJob('runqlat', {}, ['h3']);

      const tagged = await api.request('POST', `/v1/jobs/${job.id}/tags`, { body: { tags: [tag, 'release/1.4', tag] } });
      expect(tagged.status).toBe(200);
      expect(tagged.body.tags).toEqual([tag, 'release/1.4'].sort());
      expect((await api.request('POST', `/v1/jobs/${job.id}/tags`, { body: { tags: [tag] } })).body.tags).toHaveLength(2);

      const byTag = await api.request('GET', `/v1/jobs?tag=${tag}`);
      expect(byTag.body.items.map((j: Job) => j.id)).toEqual([job.id]);
      const byHost = await api.request('GET', '/v1/jobs?host=h3&tool=runqlat');
      expect(byHost.body.items.map((j: Job) => j.id)).toContain(other.id);
      expect(byHost.body.items.map((j: Job) => j.id)).not.toContain(job.id);

      const removed = await api.request('DELETE', `/v1/jobs/${job.id}/tags/${encodeURIComponent('release/1.4')}`);
      expect(removed.status).toBe(200);
      expect(removed.body.tags).toEqual([tag]);
      expect((await api.request('DELETE', `/v1/jobs/${job.id}/tags/release`)).status).toBe(404);
    });

    it('refuses what is not a tag, naming the field', async () => {
      const job = await createJob('syscount');
      for (const body of [{ tags: ['has space'] }, { tags: [] }, { tags: 'main' }, {}, { tags: ['x'.repeat(65)] }]) {
        const res = await api.request('POST', `/v1/jobs/${job.id}/tags`, { body });
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.details[0].field).toBe('tags');
      }
      const unknownQuery = await api.request('GET', '/v1/jobs?tool=nosuchtool');
      expect(unknownQuery.status).toBe(400);
      expect(unknownQuery.body.details[0].field).toBe('tool');
      expect((await api.request('POST', `/v1/jobs/${randomUUID()}/tags`, { body: { tags: ['a'] } })).status).toBe(404);
    });
  });

  describe('stop', () => {
    it('asks the agent to stop running runs (a cancel is never downgraded) and cancels queued ones', async () => {
      const job = await createJob('syscount', {}, ['h1', 'h2']);
      const [running, queued] = job.runs;
      await send({ type: 'running', runId: running.id, at: new Date().toISOString() });
      await waitFor(async () => (await getJob(job.id)).runs[0].status === 'running', { what: 'run running' });

      const stopped = await api.request('POST', `/v1/jobs/${job.id}/stop`);
      expect(stopped.status).toBe(200);
      expect(stopped.body.runs.map((run: Job['runs'][number]) => run.status)).toEqual(['running', 'cancelled']);
      expect(await env.redis.get(runCancelKey(env.queuePrefix, running.host, running.id))).toBe('stop');
      expect(await env.redis.get(runCancelKey(env.queuePrefix, queued.host, queued.id))).toBe('cancel');

      await api.request('POST', `/v1/jobs/${job.id}/cancel`);
      expect(await env.redis.get(runCancelKey(env.queuePrefix, running.host, running.id))).toBe('cancel');
      await api.request('POST', `/v1/jobs/${job.id}/stop`);
      expect(await env.redis.get(runCancelKey(env.queuePrefix, running.host, running.id))).toBe('cancel');
    });

    it('answers 409 for a job that has finished', async () => {
      const job = await jobWith('syscount', () => counts(1));
      const res = await api.request('POST', `/v1/jobs/${job.id}/stop`);
      expect(res.status).toBe(409);
      expect(res.body.message).toContain('already finished (status: succeeded)');
    });
  });

  describe('compare', () => {
    it('counts: per-key deltas sorted by |delta|, appeared and vanished keys, a job as its runs merged', async () => {
      const base = await jobWith('syscount', () => counts(100));
      const target = await jobWith(
        'syscount',
        (host) => ({
          kind: 'counts',
          keys: ['syscall'],
          rows: [
            { syscall: 'getppid', count: host === 'h1' ? 150 : 50 },
            { syscall: 'write', count: 5 },
          ],
          total: 0,
        }),
        {},
        ['h1', 'h2'],
      );
      const res = await api.request('GET', `/v1/compare?base=${base.id}&target=${target.id}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ tool: 'syscount', kind: 'counts', keys: ['syscall'], normalized: false });
      expect(res.body.rows.map((row: Record<string, unknown>) => [row.syscall, row.base, row.target, row.change])).toEqual([
        ['getppid', 100, 200, 'changed'],
        ['read', 50, 0, 'vanished'],
        ['write', 0, 10, 'appeared'],
      ]);
      expect(res.body.sources.target).toMatchObject({ type: 'job', hosts: ['h1', 'h2'], tracedMs: 10_000 });
    });

    it('histogram: percentile deltas and a significant shift for latencies 20 % higher', async () => {
      const base = await jobWith('runqlat', () => latencies(4000, 1000));
      const target = await jobWith('runqlat', () => latencies(4000, 1200));
      const res = await api.request('GET', `/v1/compare?base=${base.runs[0].id}&target=${target.runs[0].id}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.kind).toBe('histogram');
      expect(res.body.percentiles.p50.ratio).toBeCloseTo(1.2, 1);
      expect(res.body.shift).toMatchObject({ test: 'mann-whitney-u', significant: true });
      expect(res.body.shift.pValue).toBeLessThan(1e-6);
    });

    it('stacks: the function that took more samples comes first; format=folded is the differential file', async () => {
      const base = await jobWith('profile', () => profile(100, 300));
      const target = await jobWith('profile', () => profile(200, 200));
      const res = await api.request('GET', `/v1/compare?base=${base.id}&target=${target.id}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.functions[0]).toMatchObject({ function: 'work', base: { self: 100, selfShare: 0.25 }, target: { self: 200, selfShare: 0.5 } });
      const folded = await api.request('GET', `/v1/compare?base=${base.id}&target=${target.id}&format=folded`);
      expect(folded.headers.get('content-type')).toContain('text/plain');
      expect(String(folded.body).trim().split('\n').sort()).toEqual(['app;main;idle_loop 300 200', 'app;main;work 100 200']);
    });

    it('refuses runs of different tools, unknown ids and results not there yet, naming the parameter', async () => {
      const syscount = await jobWith('syscount', () => counts(1));
      const runqlat = await jobWith('runqlat', () => latencies(8, 100));
      const pending = await createJob('syscount');

      const otherTool = await api.request('GET', `/v1/compare?base=${syscount.id}&target=${runqlat.id}`);
      expect(otherTool.status).toBe(400);
      expect(otherTool.body.details[0].field).toBe('target');
      const unknown = await api.request('GET', `/v1/compare?base=${randomUUID()}&target=${syscount.id}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toMatch(/^base: /);
      const notYet = await api.request('GET', `/v1/compare?base=${syscount.id}&target=${pending.runs[0].id}`);
      expect(notYet.status).toBe(409);
      const folded = await api.request('GET', `/v1/compare?base=${syscount.id}&target=${syscount.id}&format=folded`);
      expect(folded.status).toBe(400);
      expect(folded.body.details[0].field).toBe('format');
      const missing = await api.request('GET', `/v1/compare?base=${syscount.id}`);
      expect(missing.status).toBe(400);
      expect(missing.body.details[0].field).toBe('target');
    });

    it('ranks the outlier host of a job first', async () => {
      const job = await jobWith('runqlat', (host) => latencies(800, host === 'h3' ? 3000 : 1000), {}, ['h1', 'h2', 'h3', 'h4']);
      const res = await api.request('GET', `/v1/jobs/${job.id}/outliers`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.hosts[0].host).toBe('h3');
      expect(res.body.hosts[0].score).toBeGreaterThan(res.body.hosts[1].score);
    });
  });

  describe('exports', () => {
    it('counts as CSV, stacks as pprof read back by a pprof decoder, a wrong format named', async () => {
      const syscount = await jobWith('syscount', () => counts(23, 5));
      const csv = await api.request('GET', `/v1/runs/${syscount.runs[0].id}/result?format=csv`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename=".*\.csv"/);
      expect(parseCsv(csv.body, { columns: true })).toEqual([
        { syscall: 'getppid', count: '23' },
        { syscall: 'read', count: '5' },
      ]);

      const stacks = await jobWith('profile', () => profile(30, 10));
      const res = await fetch(`${api.url}/v1/runs/${stacks.runs[0].id}/result?format=pprof`, {
        headers: { authorization: `Bearer ${api.token}` },
      });
      expect(res.status).toBe(200);
      const decoded = Profile.decode(gunzipSync(Buffer.from(await res.arrayBuffer())));
      const total = decoded.sample.reduce((sum, sample) => sum + Number(sample.value[0]), 0);
      expect(total).toBe(40);

      const wrong = await api.request('GET', `/v1/runs/${syscount.runs[0].id}/result?format=pprof`);
      expect(wrong.status).toBe(400);
      expect(wrong.body.details[0].field).toBe('format');
      const unknownFormat = await api.request('GET', `/v1/runs/${syscount.runs[0].id}/result?format=xml`);
      expect(unknownFormat.status).toBe(400);
      expect(unknownFormat.body.details[0].field).toBe('format');
    });
  });

  describe('checks', () => {
    const check = async (body: object) => {
      const res = await api.request('POST', '/v1/checks', { body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    };

    it('fails a candidate whose getppid count doubled, naming it; passes the same counts', async () => {
      const tag = `base-${randomUUID().slice(0, 8)}`;
      const baseline = await jobWith('syscount', () => counts(1000));
      await api.request('POST', `/v1/jobs/${baseline.id}/tags`, { body: { tags: [tag] } });

      const doubled = await jobWith('syscount', () => counts(2000));
      const failed = await check({
        candidate: { jobId: doubled.id },
        baseline: { tag },
        thresholds: { 'syscall=getppid': '+20%', 'syscall=read': '+20%' },
      });
      expect(failed).toMatchObject({ status: 'done', verdict: 'fail', baselineJobId: baseline.id, candidateJobId: doubled.id });
      const [getppid, read] = failed.thresholds;
      expect(getppid).toMatchObject({ name: 'syscall=getppid', baseline: 1000, candidate: 2000, pass: false });
      expect(getppid.why).toContain('getppid');
      expect(read).toMatchObject({ name: 'syscall=read', pass: true });

      const same = await jobWith('syscount', () => counts(1000));
      const passed = await check({ candidate: { jobId: same.id }, baseline: { jobId: baseline.id }, thresholds: { total: '+20%' } });
      expect(passed.verdict).toBe('pass');
      expect((await api.request('GET', `/v1/checks/${passed.id}`)).body).toEqual(passed);
      const first = await api.request('GET', '/v1/checks?limit=1');
      expect(first.body.items.map((c: { id: string }) => c.id)).toEqual([passed.id]);
      const second = await api.request('GET', `/v1/checks?limit=1&cursor=${first.body.nextCursor}`);
      expect(second.body.items.map((c: { id: string }) => c.id)).toEqual([failed.id]);
    });

    it('runs a new candidate job and judges it when its runs end', async () => {
      const baseline = await jobWith('runqlat', () => latencies(4000, 1000), {}, ['h2']);
      const created = await check({
        tool: 'runqlat',
        hosts: ['h2'],
        durationSec: 5,
        baseline: { jobId: baseline.id },
        thresholds: { p99: '+10%' },
      });
      expect(created).toMatchObject({ status: 'running', verdict: null, thresholds: [{ name: 'p99', pass: null }] });
      await finishJob(await getJob(created.candidateJobId), () => latencies(4000, 1200));
      const judged = await waitFor(async () => {
        const current = (await api.request('GET', `/v1/checks/${created.id}`)).body;
        return current.status === 'done' && current;
      }, { what: 'check judged' });
      expect(judged.verdict, JSON.stringify(judged)).toBe('fail');
      expect(judged.thresholds[0]).toMatchObject({ name: 'p99', pass: false });
    });

    it('is inconclusive, never a silent pass, without a baseline or with too few samples', async () => {
      const candidate = await jobWith('runqlat', () => latencies(8, 1000));
      const noBaseline = await check({ candidate: { jobId: candidate.id }, baseline: { tag: `none-${randomUUID()}` }, thresholds: { p50: '+5%' } });
      expect(noBaseline).toMatchObject({ verdict: 'inconclusive', baselineJobId: null, thresholds: [{ pass: null }] });
      expect(noBaseline.thresholds[0].why).toContain('no succeeded runqlat job tagged');

      const small = await jobWith('runqlat', () => latencies(8, 1000));
      const tooFew = await check({ candidate: { jobId: candidate.id }, baseline: { jobId: small.id }, thresholds: { p99: '+10%' } });
      expect(tooFew.verdict).toBe('inconclusive');
    });

    it('refuses bad checks naming the field, and writes nothing', async () => {
      const job = await jobWith('syscount', () => counts(1));
      const before = (await api.request('GET', '/v1/jobs?limit=100')).body.items.length;
      const cases: [object, string][] = [
        [{ candidate: { jobId: job.id }, baseline: { jobId: job.id }, thresholds: { p99: '+10%' } }, 'thresholds.p99'],
        [{ candidate: { jobId: job.id }, baseline: { jobId: job.id }, thresholds: { total: 'ten percent' } }, 'thresholds.total'],
        [{ candidate: { jobId: job.id }, baseline: { jobId: job.id }, thresholds: {} }, 'thresholds'],
        [{ candidate: { jobId: job.id }, baseline: {}, thresholds: { total: '+1%' } }, 'baseline'],
        [{ candidate: { jobId: job.id }, baseline: { jobId: job.id, tag: 'main' }, thresholds: { total: '+1%' } }, 'baseline'],
        [{ candidate: { jobId: job.id }, tool: 'syscount', baseline: { tag: 'main' }, thresholds: { total: '+1%' } }, 'candidate'],
        [{ candidate: { jobId: randomUUID() }, baseline: { tag: 'main' }, thresholds: { total: '+1%' } }, 'candidate.jobId'],
        [{ tool: 'syscount', hosts: ['h1'], baseline: { tag: 'main' }, thresholds: { total: '+1%' } }, 'durationSec'],
        [{ tool: 'syscount', hosts: ['nosuchhost'], durationSec: 1, baseline: { tag: 'main' }, thresholds: { total: '+1%' } }, 'hosts'],
        [{ tool: 'syscount', hosts: ['h1'], durationSec: 1, params: { pid: -1 }, baseline: { tag: 'main' }, thresholds: { total: '+1%' } }, 'params.pid'],
        [{ candidate: { jobId: job.id }, baseline: { jobId: 'x' }, thresholds: { total: '+1%' } }, 'baseline.jobId'],
      ];
      for (const [body, field] of cases) {
        const res = await api.request('POST', '/v1/checks', { body });
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.details.map((d: { field: string }) => d.field), JSON.stringify(res.body)).toContain(field);
      }
      expect((await api.request('GET', '/v1/jobs?limit=100')).body.items.length).toBe(before);
      expect((await api.request('GET', `/v1/checks/${randomUUID()}`)).status).toBe(404);
    });
  });
});
