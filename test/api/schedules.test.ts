/**
 * Schedules through the real API, Postgres and Redis (BullMQ job schedulers): seconds crons fire and make
 * linked, tagged jobs; two API processes make one job per tick; disabling and deleting stop the firings;
 * a restart after a downtime makes at most one late firing; bad input writes nothing. Hosts are fake
 * heartbeats: the jobs' runs stay queued, which is all a schedule is responsible for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULES_QUEUE } from '../../apps/api/src/repositories/scheduler.repository.js';
import { ScheduleService } from '../../apps/api/src/services/schedule.service.js';
import { createTestEnv, sql, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';

interface Job {
  id: string;
  scheduleId: string | null;
  tags: string[];
  createdAt: string;
  runs: { host: string; status: string }[];
}

const EVERY_SECOND = '* * * * * *';
const job = { tool: 'syscount', hosts: ['sched-1'], durationSec: 1 };

describe('schedules', () => {
  let env: TestEnv;
  let api: RunningApi;
  let userToken: string;

  const schedulers = () => env.queue(SCHEDULES_QUEUE);
  const create = async (body: Record<string, unknown>) => {
    const res = await api.request('POST', '/v1/schedules', { body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; name: string };
  };
  const disable = async (id: string) => {
    const res = await api.request('PATCH', `/v1/schedules/${id}`, { body: { enabled: false } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  /** Every tick (ms since the epoch) that made a job of the schedule, in order, from the jobs' fire keys. */
  const ticksOf = async (scheduleId: string) => {
    const rows = await sql<{ key: string }>(
      env.databaseUrl,
      `SELECT schedule_fire_key AS key FROM jobs WHERE schedule_id = $1 ORDER BY schedule_fire_key`,
      [scheduleId],
    );
    return rows.map((row) => {
      const match = new RegExp(`^repeat:${scheduleId}:(\\d+)$`).exec(row.key);
      expect(match, row.key).not.toBeNull();
      return Number(match![1]);
    }).sort((a, b) => a - b);
  };
  /** Waits until the schedule's jobs stop growing: a firing handled while it was disabled may still land. */
  const settledJobCount = async (scheduleId: string) => {
    let last = -1;
    return waitFor(
      async () => {
        const count = (await ticksOf(scheduleId)).length;
        const settled = count === last;
        last = count;
        return settled && count;
      },
      { intervalMs: 1500, timeoutMs: 20_000, what: 'no more firings' },
    );
  };
  /** Every item of a paged list, two at a time. */
  const allPages = async <T>(path: string) => {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: T[]; nextCursor: string | null } } = await api.request(
        'GET',
        `${path}${path.includes('?') ? '&' : '?'}limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  };
  const allJobs = (path: string) => allPages<Job>(path);

  beforeAll(async () => {
    env = await createTestEnv('schedules');
    await env.heartbeat('sched-1', undefined, { labels: { role: 'db' } });
    api = await startApi(env);
    userToken = await api.createToken('ci', ['read', 'run']);
  });

  afterAll(async () => {
    await api?.close();
    await env?.close();
  });

  describe('bad input: a 400 naming the field, nothing written', () => {
    const valid = { name: 'valid-name', cron: '0 0 2 * * *', job };
    const cases: [string, Record<string, unknown>, { field: string; message: string }[]][] = [
      ['a value out of range', { cron: '61 * * * *' }, [{ field: 'cron', message: 'Constraint error, got value 61 expected range 0-59' }]],
      ['too few fields', { cron: '* * *' }, [{ field: 'cron', message: 'must have 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got 3' }]],
      ['seven fields', { cron: '* * * * * * *' }, [{ field: 'cron', message: 'must have 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got 7' }]],
      ['an empty cron', { cron: '  ' }, [{ field: 'cron', message: 'must have 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got 0' }]],
      ['a random H', { cron: 'H 2 * * *' }, [{ field: 'cron', message: '`H` (a random value) is not supported: give the value itself' }]],
      ['a day that never comes', { cron: '0 0 30 2 *' }, [{ field: 'cron', message: 'Invalid explicit day of month definition' }]],
      ['an unknown zone', { timezone: 'Mars/Olympus' }, [{ field: 'timezone', message: 'unknown time zone "Mars/Olympus": give an IANA name such as Europe/Paris or UTC' }]],
      [
        'cron, zone and job together',
        { cron: 'x * * * *', timezone: 'Nowhere', job: { ...job, tool: 'nope' } },
        [
          { field: 'cron', message: 'Invalid characters, got value: x' },
          { field: 'timezone', message: 'unknown time zone "Nowhere": give an IANA name such as Europe/Paris or UTC' },
          { field: 'job.tool', message: expect.stringMatching(/^unknown tool "nope" \(known: /) },
        ],
      ],
      ['two targets', { job: { ...job, all: true } }, [
        { field: 'job.hosts', message: 'hosts and all are mutually exclusive: give exactly one of hosts, selector or all' },
        { field: 'job.all', message: 'hosts and all are mutually exclusive: give exactly one of hosts, selector or all' },
      ]],
      ['bad params', { job: { ...job, params: { latency: 'yes' } } }, [{ field: 'job.params.latency', message: 'must be boolean' }]],
      ['a zero duration', { job: { ...job, durationSec: 0 } }, [{ field: 'job.durationSec', message: 'must not be less than 1' }]],
      ['a bad name', { name: 'no spaces' }, [{ field: 'name', message: 'must be 1-55 of [A-Za-z0-9._-], starting with a letter or digit' }]],
      ['a reserved tag', { tags: ['schedule:other'] }, [{ field: 'tags', message: 'schedule:other: tags starting with "schedule:" are the API\'s (each job gets schedule:<name>)' }]],
      ['an unknown field', { every: 5 }, [{ field: 'every', message: 'is not a known field' }]],
    ];
    it.each(cases)('%s', async (_, change, details) => {
      const res = await api.request('POST', '/v1/schedules', { body: { ...valid, ...change } });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.details).toEqual(details);
      expect(res.body.message.startsWith(`${details[0].field}: `)).toBe(true);
    });

    it('left no schedule and no timer behind', async () => {
      expect((await api.request('GET', '/v1/schedules')).body).toEqual({ items: [], nextCursor: null });
      expect(await schedulers().getJobSchedulersCount()).toBe(0);
    });

    it('takes the admin scope to create, change or delete a schedule; a run-scoped token may read them', async () => {
      const refused = await api.request('POST', '/v1/schedules', { body: { ...valid, name: 'by-ci' }, token: userToken });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ scope: 'admin', message: 'this request needs the "admin" scope; token "ci" has read, run' });
      const created = await create({ ...valid, name: 'by-admin' });
      expect((await api.request('GET', `/v1/schedules/${created.id}`, { token: userToken })).status).toBe(200);
      expect((await api.request('PATCH', `/v1/schedules/${created.id}`, { body: { enabled: false }, token: userToken })).status).toBe(403);
      expect((await api.request('DELETE', `/v1/schedules/${created.id}`, { token: userToken })).status).toBe(403);
      expect((await api.request('DELETE', `/v1/schedules/${created.id}`)).status).toBe(204);
    });
  });

  it('refuses a second schedule with the same name (409), an empty PATCH (400) and unknown ids (404)', async () => {
    const first = await create({ name: 'nightly', cron: '0 0 2 * * *', timezone: 'Europe/Paris', job });
    const again = await api.request('POST', '/v1/schedules', { body: { name: 'nightly', cron: '0 0 3 * * *', job } });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('a schedule named "nightly" already exists');

    const empty = await api.request('PATCH', `/v1/schedules/${first.id}`, { body: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.details).toEqual([{ field: 'body', message: 'give at least one of cron, timezone, enabled, job, tags' }]);
    const badCron = await api.request('PATCH', `/v1/schedules/${first.id}`, { body: { cron: '0 0 25 * * *' } });
    expect(badCron.status).toBe(400);
    expect(badCron.body.details).toEqual([{ field: 'cron', message: 'Constraint error, got value 25 expected range 0-23' }]);
    const badJob = await api.request('PATCH', `/v1/schedules/${first.id}`, { body: { job: { ...job, hosts: undefined } } });
    expect(badJob.status).toBe(400);
    expect(badJob.body.details.map((d: { field: string }) => d.field)).toEqual(['job.hosts', 'job.selector', 'job.all']);
    expect((await api.request('GET', `/v1/schedules/${first.id}`)).body).toMatchObject({ cron: '0 0 2 * * *', job: { hosts: ['sched-1'] } });

    const unknown = '0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10';
    for (const [method, path] of [
      ['GET', `/v1/schedules/${unknown}`],
      ['PATCH', `/v1/schedules/${unknown}`],
      ['DELETE', `/v1/schedules/${unknown}`],
      ['GET', `/v1/schedules/${unknown}/jobs`],
    ]) {
      const res = await api.request(method, path, method === 'PATCH' ? { body: { enabled: false } } : {});
      expect([method, path, res.status, res.body.message]).toEqual([method, path, 404, `schedule ${unknown} not found`]);
    }
    expect((await api.request('GET', '/v1/schedules/42')).body.details).toEqual([{ field: 'id', message: 'must be a UUID, got "42"' }]);
  });

  it('reads the cron in its zone, and a PATCH of cron or zone moves the timer in Redis', async () => {
    const schedule = await create({ name: 'in-paris', cron: '0 30 2 * * *', timezone: 'Europe/Paris', job });
    const got = (await api.request('GET', `/v1/schedules/${schedule.id}`)).body;
    // 02:30 in Paris is 00:30 or 01:30 UTC, depending on daylight saving time.
    expect(got.nextFireAt).toMatch(/T0[01]:30:00\.000Z$/);
    expect(await schedulers().getJobScheduler(schedule.id)).toMatchObject({ pattern: '0 30 2 * * *', tz: 'Europe/Paris' });

    const patched = await api.request('PATCH', `/v1/schedules/${schedule.id}`, { body: { cron: '0 15 4 * * *', timezone: 'UTC' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ cron: '0 15 4 * * *', timezone: 'UTC', enabled: true });
    expect(patched.body.nextFireAt).toMatch(/T04:15:00\.000Z$/);
    expect(await schedulers().getJobScheduler(schedule.id)).toMatchObject({ pattern: '0 15 4 * * *', tz: 'UTC' });
  });

  it('fires a seconds cron: each tick makes one job, linked, tagged and listed newest first; disabling stops it', async () => {
    const created = await api.request('POST', '/v1/schedules', {
      body: { name: 'every-second', cron: `  ${EVERY_SECOND} `, job, tags: ['nightly'] },
    });
    expect(created.status).toBe(201);
    const schedule = created.body;
    expect(schedule).toMatchObject({
      name: 'every-second',
      cron: EVERY_SECOND,
      timezone: 'UTC',
      enabled: true,
      job: { tool: 'syscount', hosts: ['sched-1'], durationSec: 1, params: { latency: false, failedOnly: false } },
      tags: ['nightly'],
      jobTags: ['nightly', 'schedule:every-second'],
      lastFiredAt: null,
      lastError: null,
    });
    expect(new Date(schedule.nextFireAt).getMilliseconds()).toBe(0);

    await waitFor(async () => (await ticksOf(schedule.id)).length >= 3, { timeoutMs: 20_000, what: 'three firings' });
    const disabled = await disable(schedule.id);
    expect(disabled).toMatchObject({ enabled: false, nextFireAt: null });
    expect(await schedulers().getJobScheduler(schedule.id)).toBeUndefined();
    const count = await settledJobCount(schedule.id);

    const ticks = await ticksOf(schedule.id);
    expect(ticks).toHaveLength(count);
    expect(ticks.every((tick) => tick % 1000 === 0)).toBe(true);
    expect(new Set(ticks).size).toBe(ticks.length);

    const listed = await allJobs(`/v1/schedules/${schedule.id}/jobs`);
    expect(listed).toHaveLength(count);
    for (const item of listed) {
      expect(item).toMatchObject({ scheduleId: schedule.id, tags: ['nightly', 'schedule:every-second'], runs: [{ host: 'sched-1', status: 'queued' }] });
    }
    const createdAts = listed.map((item) => item.createdAt);
    expect(createdAts).toEqual([...createdAts].sort().reverse());
    // The same jobs, found as any sweep would be: by the schedule's tag.
    expect((await allJobs('/v1/jobs?tag=schedule:every-second')).map((item) => item.id)).toEqual(listed.map((item) => item.id));

    const got = (await api.request('GET', `/v1/schedules/${schedule.id}`)).body;
    expect(got.lastError).toBeNull();
    expect(Date.parse(got.lastFiredAt)).toBe(ticks[ticks.length - 1]);

    // A cursor names a job of this schedule: another schedule's list refuses it.
    const { nextCursor } = (await api.request('GET', `/v1/schedules/${schedule.id}/jobs?limit=1`)).body;
    const other = await create({ name: 'other', cron: '0 0 1 1 *', job });
    const refused = await api.request('GET', `/v1/schedules/${other.id}/jobs?cursor=${nextCursor}`);
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual([{ field: 'cursor', message: 'is not a cursor returned by this API for this schedule' }]);
  });

  it('lists schedules newest first, a page at a time', async () => {
    const everything = (await api.request('GET', '/v1/schedules?limit=100')).body;
    expect(everything.nextCursor).toBeNull();
    const names = everything.items.map((item: { name: string }) => item.name);
    expect(names.slice(0, 4)).toEqual(['other', 'every-second', 'in-paris', 'nightly']);
    expect((await allPages<{ name: string }>('/v1/schedules')).map((item) => item.name)).toEqual(names);
  });

  it('makes nothing twice when a tick is delivered again', async () => {
    const schedule = await create({ name: 'redelivered', cron: '0 0 1 1 *', job });
    const service = api.app.get(ScheduleService);
    const firing = { scheduleId: schedule.id, fireKey: `repeat:${schedule.id}:1767225600000`, dueAt: new Date(1767225600000) };
    await service.fire(firing);
    await service.fire(firing);
    expect(await ticksOf(schedule.id)).toEqual([1767225600000]);
  });

  it('records why a tick made no job, and keeps firing', async () => {
    const schedule = await create({
      name: 'no-match',
      cron: EVERY_SECOND,
      job: { tool: 'syscount', selector: { labels: { role: 'cache' } }, durationSec: 1 },
    });
    const first = await waitFor(
      async () => {
        const got = (await api.request('GET', `/v1/schedules/${schedule.id}`)).body;
        return got.lastFiredAt !== null && got;
      },
      { timeoutMs: 20_000, what: 'a firing' },
    );
    expect(first.lastError).toBe('job.selector: no host has the labels role=cache (see GET /v1/hosts?label=…)');
    await waitFor(
      async () => (await api.request('GET', `/v1/schedules/${schedule.id}`)).body.lastFiredAt > first.lastFiredAt,
      { timeoutMs: 20_000, what: 'a later firing' },
    );
    await disable(schedule.id);
    expect(await ticksOf(schedule.id)).toEqual([]);
  });

  it('makes one job per tick with two API processes running', async () => {
    const second = await startApi(env);
    try {
      // Both processes wait on the schedules queue.
      await waitFor(async () => (await schedulers().getWorkersCount()) === 2, { what: 'two schedule workers' });
      const startedAt = Date.now();
      const schedule = await create({ name: 'two-replicas', cron: EVERY_SECOND, job });
      await waitFor(async () => (await ticksOf(schedule.id)).length >= 4, { timeoutMs: 30_000, what: 'four firings' });
      await disable(schedule.id);
      const stoppedAt = Date.now();
      await settledJobCount(schedule.id);

      const ticks = await ticksOf(schedule.id);
      expect(new Set(ticks).size).toBe(ticks.length);
      expect(ticks.every((tick) => tick % 1000 === 0 && tick > startedAt && tick <= stoppedAt + 1000)).toBe(true);
      // No more jobs than seconds that passed: two workers never both turned one tick into a job.
      expect(ticks.length).toBeLessThanOrEqual(Math.ceil((stoppedAt - startedAt) / 1000) + 1);
    } finally {
      await second.close();
    }
  });

  it('deleting removes the timer from Redis; the jobs stay, unlinked, still tagged', async () => {
    const list = (await api.request('GET', '/v1/schedules?limit=100')).body.items as { id: string; name: string }[];
    const everySecond = list.find((item) => item.name === 'every-second')!;
    const before = (await allJobs('/v1/jobs?tag=schedule:every-second')).map((item) => item.id);

    const schedule = await create({ name: 'to-delete', cron: '0 0 1 1 *', job });
    expect(await schedulers().getJobScheduler(schedule.id)).toMatchObject({ pattern: '0 0 1 1 *' });
    expect((await api.request('DELETE', `/v1/schedules/${schedule.id}`)).status).toBe(204);
    expect(await schedulers().getJobScheduler(schedule.id)).toBeUndefined();
    expect((await api.request('GET', `/v1/schedules/${schedule.id}`)).status).toBe(404);

    expect((await api.request('DELETE', `/v1/schedules/${everySecond.id}`)).status).toBe(204);
    const after = await allJobs('/v1/jobs?tag=schedule:every-second');
    expect(after.map((item) => item.id)).toEqual(before);
    expect(after.every((item) => item.scheduleId === null)).toBe(true);
  });

  it('after every API was down, fires at most once for the ticks missed, and reconciles timers at boot', async () => {
    const schedule = await create({ name: 'restart', cron: EVERY_SECOND, job });
    const yearly = await create({ name: 'yearly', cron: '0 0 1 1 *', job });
    await waitFor(async () => (await ticksOf(schedule.id)).length >= 2, { timeoutMs: 20_000, what: 'two firings' });

    await api.close();
    const lastBefore = Math.max(...(await ticksOf(schedule.id)));
    // Meanwhile Redis loses one timer and gains one no schedule owns.
    await schedulers().removeJobScheduler(yearly.id);
    await schedulers().upsertJobScheduler('0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10', { pattern: '0 0 1 1 *' });
    await new Promise((resolve) => setTimeout(resolve, 4000));

    const restartedAt = Date.now();
    api = await startApi(env);
    await waitFor(async () => (await ticksOf(schedule.id)).some((tick) => tick >= restartedAt), {
      timeoutMs: 20_000,
      what: 'a firing after the restart',
    });
    await disable(schedule.id);

    const missed = (await ticksOf(schedule.id)).filter((tick) => tick > lastBefore && tick < restartedAt);
    expect(missed.length).toBeLessThanOrEqual(1);

    const enabled = ((await api.request('GET', '/v1/schedules?limit=100')).body.items as { id: string; enabled: boolean }[])
      .filter((item) => item.enabled)
      .map((item) => item.id)
      .sort();
    expect(enabled).toContain(yearly.id);
    const timers = async () => (await schedulers().getJobSchedulers()).map((timer) => timer.key).sort();
    // The boot reconciliation runs beside the first requests.
    await waitFor(async () => JSON.stringify(await timers()) === JSON.stringify(enabled), { what: 'timers reconciled' });
    expect(await timers()).toEqual(enabled);
  });
});
