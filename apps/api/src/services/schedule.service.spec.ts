import { BadRequestException, ConflictException, ForbiddenException, ServiceUnavailableException } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { mockOf } from '../../../../test/support/mock.js';
import type { ApiConfig } from '../config.js';
import { ScheduleEntity } from '../entities/schedule.entity.js';
import { JobRepository } from '../repositories/job.repository.js';
import { QueueRepository } from '../repositories/queue.repository.js';
import { RedisRepository } from '../repositories/redis.repository.js';
import { ScheduleRepository, type NewSchedule, type SchedulePatch } from '../repositories/schedule.repository.js';
import { SchedulerRepository } from '../repositories/scheduler.repository.js';
import { invalidField } from '../utils/errors.js';
import type { AuthContext } from './auth.service.js';
import { HostService } from './host.service.js';
import { JobService } from './job.service.js';
import { nextTick, planReconcile, ScheduleService, timingProblems } from './schedule.service.js';
import { ToolService } from './tool.service.js';

const admin: AuthContext = { tokenId: 'token-admin', tokenName: 'admin', scopes: ['read', 'run', 'admin'] };
const user: AuthContext = { tokenId: 'token-user', tokenName: 'ci', scopes: ['read', 'run'] };
const syscountJob = { tool: 'syscount', hosts: ['db-1'], durationSec: 30 };
const storedJob = { ...syscountJob, params: { latency: false, failedOnly: false, by: ['syscall'] } };

function entity(fields: Partial<ScheduleEntity> = {}): ScheduleEntity {
  return Object.assign(new ScheduleEntity(), {
    id: 'sched-1',
    name: 'nightly',
    cron: '0 0 2 * * *',
    timezone: 'UTC',
    enabled: true,
    job: storedJob,
    tags: ['db'],
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    createdBy: 'token-admin',
    lastFiredAt: null,
    lastError: null,
    ...fields,
  });
}

function setup(stored: ScheduleEntity | null = entity(), creator: AuthContext | null = admin) {
  const scheduleRepository = {
    create: vi.fn(async (input: NewSchedule, sync: (schedule: ScheduleEntity) => Promise<void>): Promise<ScheduleEntity | null> => {
      const created = entity({ ...input, id: 'sched-new' });
      await sync(created);
      return created;
    }),
    update: vi.fn(async (id: string, patch: SchedulePatch, sync: (before: ScheduleEntity, after: ScheduleEntity) => Promise<void>) => {
      if (!stored) return null;
      const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      const after = entity({ ...stored, ...defined });
      await sync(stored, after);
      return after;
    }),
    delete: vi.fn(async (id: string, sync: (schedule: ScheduleEntity) => Promise<void>) => {
      if (!stored) return false;
      await sync(stored);
      return true;
    }),
    getById: vi.fn(async () => stored),
    getWithCreator: vi.fn(async () => (stored ? { schedule: stored, creator } : null)),
    recordFiring: vi.fn(async () => undefined),
  };
  const schedulerRepository = {
    upsert: vi.fn(async () => undefined),
    remove: vi.fn(async () => undefined),
    list: vi.fn(async () => []),
  };
  const toolService = new ToolService();
  // The real validation of a job body: only its creation is faked.
  const jobService = new JobService(
    { maxDurationSec: 3600, dispatchTimeoutSec: 300, runGraceSec: 60 } as ApiConfig,
    toolService,
    mockOf(HostService, {}),
    mockOf(JobRepository, {}),
    mockOf(QueueRepository, {}),
    mockOf(RedisRepository, {}),
  );
  const createForSchedule = vi.spyOn(jobService, 'createForSchedule').mockResolvedValue({ id: 'job-1', status: 'queued', runs: [] });
  const sut = new ScheduleService(
    { scheduleReconcileMs: 60_000 } as ApiConfig,
    mockOf(ScheduleRepository, scheduleRepository),
    mockOf(SchedulerRepository, schedulerRepository),
    jobService,
  );
  return { sut, scheduleRepository, schedulerRepository, createForSchedule };
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(BadRequestException);
  return (error as BadRequestException).getResponse() as { message: string; details: { field: string; message: string }[] };
};

describe(timingProblems.name, () => {
  it.each(['*/5 * * * *', '*/10 * * * * *', '0 0 2 * * THU', '0 0 L * *', '0 0 9 * * MON#1'])('accepts %s', (cron) => {
    expect(timingProblems(cron, 'UTC')).toEqual([]);
  });

  it.each([
    ['* * * *', 'must have 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got 4'],
    ['* * * * * * *', 'must have 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got 7'],
    ['H/5 * * * *', '`H` (a random value) is not supported: give the value itself'],
    ['0 61 * * * *', 'Constraint error, got value 61 expected range 0-59'],
    ['0 0 31 4 *', 'Invalid explicit day of month definition'],
    ['@daily', 'must have 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got 1'],
  ])('names cron for %s', (cron, message) => {
    expect(timingProblems(cron, 'UTC')).toEqual([{ field: 'cron', message }]);
  });

  it('names timezone for a zone IANA does not know, beside a bad cron', () => {
    expect(timingProblems('* * *', 'Europe/Atlantis')).toEqual([
      { field: 'cron', message: 'must have 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got 3' },
      { field: 'timezone', message: 'unknown time zone "Europe/Atlantis": give an IANA name such as Europe/Paris or UTC' },
    ]);
  });
});

describe(nextTick.name, () => {
  it('reads the cron in the zone, daylight saving time included', () => {
    // 02:30 in Paris: 01:30 UTC in winter (UTC+1), 00:30 UTC in summer (UTC+2).
    expect(nextTick('0 30 2 * * *', 'Europe/Paris', new Date('2026-01-15T12:00:00Z'))).toEqual(new Date('2026-01-16T01:30:00Z'));
    expect(nextTick('0 30 2 * * *', 'Europe/Paris', new Date('2026-07-15T12:00:00Z'))).toEqual(new Date('2026-07-16T00:30:00Z'));
  });

  it('fires a time the spring change skips an hour later, and a time autumn repeats once', () => {
    // Paris, 2026-03-29: 02:00 CET becomes 03:00 CEST, so 02:30 does not exist; it fires at 03:30 CEST.
    expect(nextTick('0 30 2 * * *', 'Europe/Paris', new Date('2026-03-28T12:00:00Z'))).toEqual(new Date('2026-03-29T01:30:00Z'));
    // Paris, 2026-10-25: 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET); only the first fires.
    expect(nextTick('0 30 2 * * *', 'Europe/Paris', new Date('2026-10-25T00:30:00Z'))).toEqual(new Date('2026-10-26T01:30:00Z'));
  });

  it('counts seconds with a sixth field, strictly after `from`', () => {
    expect(nextTick('*/10 * * * * *', 'UTC', new Date('2026-01-15T12:00:03.500Z'))).toEqual(new Date('2026-01-15T12:00:10Z'));
    expect(nextTick('*/10 * * * * *', 'UTC', new Date('2026-01-15T12:00:10Z'))).toEqual(new Date('2026-01-15T12:00:20Z'));
  });
});

describe(planReconcile.name, () => {
  it('sets missing and stale timers of enabled schedules, removes the timers of disabled and unknown ones', () => {
    const plan = planReconcile(
      [
        { id: 'in-sync', cron: '* * * * *', timezone: 'UTC', enabled: true },
        { id: 'missing', cron: '0 2 * * *', timezone: 'UTC', enabled: true },
        { id: 'stale-cron', cron: '0 3 * * *', timezone: 'UTC', enabled: true },
        { id: 'stale-zone', cron: '0 4 * * *', timezone: 'Europe/Paris', enabled: true },
        { id: 'disabled', cron: '0 5 * * *', timezone: 'UTC', enabled: false },
      ],
      [
        { scheduleId: 'in-sync', cron: '* * * * *', timezone: 'UTC' },
        { scheduleId: 'stale-cron', cron: '0 1 * * *', timezone: 'UTC' },
        { scheduleId: 'stale-zone', cron: '0 4 * * *', timezone: 'UTC' },
        { scheduleId: 'disabled', cron: '0 5 * * *', timezone: 'UTC' },
        { scheduleId: 'deleted', cron: '0 6 * * *', timezone: 'UTC' },
      ],
    );
    expect(plan).toEqual({
      upsert: [
        { scheduleId: 'missing', cron: '0 2 * * *', timezone: 'UTC' },
        { scheduleId: 'stale-cron', cron: '0 3 * * *', timezone: 'UTC' },
        { scheduleId: 'stale-zone', cron: '0 4 * * *', timezone: 'Europe/Paris' },
      ],
      remove: ['disabled', 'deleted'],
    });
  });
});

describe(ScheduleService.name, () => {
  describe('create', () => {
    it('stores the job with its defaults filled in, in UTC unless told, and sets its timer', async () => {
      const { sut, scheduleRepository, schedulerRepository } = setup();
      const created = await sut.create({ name: 'nightly', cron: ' 0  0 2 * * * ', job: syscountJob, tags: ['db'] }, admin);
      expect(scheduleRepository.create).toHaveBeenCalledWith(
        { name: 'nightly', cron: '0 0 2 * * *', timezone: 'UTC', job: storedJob, tags: ['db'], createdBy: 'token-admin' },
        expect.any(Function),
      );
      expect(schedulerRepository.upsert).toHaveBeenCalledWith({ scheduleId: 'sched-new', cron: '0 0 2 * * *', timezone: 'UTC' });
      expect(created).toMatchObject({ id: 'sched-new', jobTags: ['db', 'schedule:nightly'], lastFiredAt: null, lastError: null });
      expect(created.nextFireAt).toMatch(/T02:00:00\.000Z$/);
    });

    it("names every problem, the job's under `job.`, and writes nothing", async () => {
      const { sut, scheduleRepository } = setup();
      const response = await refusal(
        sut.create(
          { name: 'nightly', cron: '0 0 24 * * *', job: { ...syscountJob, selector: { labels: { role: 'db' } }, params: { top: 0 } } },
          admin,
        ),
      );
      expect(response.details).toEqual([
        { field: 'cron', message: 'Constraint error, got value 24 expected range 0-23' },
        { field: 'job.hosts', message: 'hosts and selector are mutually exclusive: give exactly one of hosts, selector or all' },
        { field: 'job.selector', message: 'hosts and selector are mutually exclusive: give exactly one of hosts, selector or all' },
      ]);
      expect(response.message).toMatch(/^cron: Constraint error/);
      expect(scheduleRepository.create).not.toHaveBeenCalled();
    });

    it('refuses an admin-only tool to a user token', async () => {
      const { sut, scheduleRepository } = setup();
      const job = { tool: 'bpftrace', hosts: ['db-1'], durationSec: 5, params: { program: 'BEGIN { exit(); }' } };
      await expect(sut.create({ name: 'custom', cron: '0 0 * * *', job }, user)).rejects.toBeInstanceOf(ForbiddenException);
      expect(scheduleRepository.create).not.toHaveBeenCalled();
    });

    it('answers 409 when the name is taken', async () => {
      const { sut, scheduleRepository } = setup();
      scheduleRepository.create.mockResolvedValueOnce(null);
      await expect(sut.create({ name: 'nightly', cron: '0 0 * * *', job: syscountJob }, admin)).rejects.toBeInstanceOf(ConflictException);
    });

    it('answers 503 when Redis does not take the timer (the repository then rolls the row back)', async () => {
      const { sut, schedulerRepository } = setup();
      schedulerRepository.upsert.mockRejectedValueOnce(new Error('upsert the schedule timer on Redis timed out after 5000 ms'));
      await expect(sut.create({ name: 'nightly', cron: '0 0 * * *', job: syscountJob }, admin)).rejects.toBeInstanceOf(
        ServiceUnavailableException,
      );
    });
  });

  describe('update', () => {
    it('refuses a PATCH with nothing to change before reading anything', async () => {
      const { sut, scheduleRepository } = setup();
      const response = await refusal(sut.update('sched-1', {}, admin));
      expect(response.details).toEqual([{ field: 'body', message: 'give at least one of cron, timezone, enabled, job, tags' }]);
      expect(scheduleRepository.getById).not.toHaveBeenCalled();
    });

    it('removes the timer when disabled, and sets it again when re-enabled', async () => {
      const disabled = setup();
      await disabled.sut.update('sched-1', { enabled: false }, admin);
      expect(disabled.schedulerRepository.remove).toHaveBeenCalledWith('sched-1');

      const enabled = setup(entity({ enabled: false }));
      const updated = await enabled.sut.update('sched-1', { enabled: true }, admin);
      expect(enabled.schedulerRepository.upsert).toHaveBeenCalledWith({ scheduleId: 'sched-1', cron: '0 0 2 * * *', timezone: 'UTC' });
      expect(updated.enabled).toBe(true);
    });

    it('checks a new zone against the stored cron, and moves the timer', async () => {
      const { sut, schedulerRepository } = setup();
      await sut.update('sched-1', { timezone: 'America/New_York' }, admin);
      expect(schedulerRepository.upsert).toHaveBeenCalledWith({ scheduleId: 'sched-1', cron: '0 0 2 * * *', timezone: 'America/New_York' });
      const response = await refusal(sut.update('sched-1', { timezone: 'America/Gotham' }, admin));
      expect(response.details.map((problem) => problem.field)).toEqual(['timezone']);
    });

    it('leaves Redis alone when only the job or the tags change', async () => {
      const { sut, scheduleRepository, schedulerRepository } = setup();
      await sut.update('sched-1', { job: { ...syscountJob, durationSec: 10 }, tags: ['db', 'weekly'] }, admin);
      expect(scheduleRepository.update).toHaveBeenCalledWith(
        'sched-1',
        expect.objectContaining({ job: { ...storedJob, durationSec: 10 }, tags: ['db', 'weekly'] }),
        expect.any(Function),
      );
      expect(schedulerRepository.upsert).not.toHaveBeenCalled();
      expect(schedulerRepository.remove).not.toHaveBeenCalled();
    });
  });

  describe('fire', () => {
    const firing = { scheduleId: 'sched-1', fireKey: 'repeat:sched-1:1767232800000', dueAt: new Date(1767232800000) };

    it("makes the stored job with its creator's role, linked and tagged, and records the tick", async () => {
      const creator: AuthContext = { tokenId: 'token-admin', tokenName: 'ci', scopes: ['read', 'run'] };
      const { sut, createForSchedule, scheduleRepository } = setup(entity(), creator);
      await sut.fire(firing);
      expect(createForSchedule).toHaveBeenCalledWith(
        storedJob,
        creator,
        { scheduleId: 'sched-1', fireKey: 'repeat:sched-1:1767232800000', tags: ['db', 'schedule:nightly'] },
      );
      expect(scheduleRepository.recordFiring).toHaveBeenCalledWith('sched-1', firing.dueAt, null);
    });

    it('records nothing for a tick whose job exists already (a redelivery)', async () => {
      const { sut, createForSchedule, scheduleRepository } = setup();
      createForSchedule.mockResolvedValueOnce(null);
      await sut.fire(firing);
      expect(scheduleRepository.recordFiring).not.toHaveBeenCalled();
    });

    it('does nothing for a schedule disabled or deleted since the tick was made', async () => {
      for (const stored of [entity({ enabled: false }), null]) {
        const { sut, createForSchedule, scheduleRepository } = setup(stored);
        await sut.fire(firing);
        expect(createForSchedule).not.toHaveBeenCalled();
        expect(scheduleRepository.recordFiring).not.toHaveBeenCalled();
      }
    });

    it("records the job's refusal, its fields under `job.`, instead of failing the tick", async () => {
      const { sut, createForSchedule, scheduleRepository } = setup();
      createForSchedule.mockRejectedValueOnce(invalidField('selector', 'no host has the labels role=db'));
      await sut.fire(firing);
      expect(scheduleRepository.recordFiring).toHaveBeenCalledWith('sched-1', firing.dueAt, 'job.selector: no host has the labels role=db');
    });

    it('records a job whose runs Redis refused (503): retrying the tick would not queue them', async () => {
      const { sut, createForSchedule, scheduleRepository } = setup();
      createForSchedule.mockRejectedValueOnce(new ServiceUnavailableException('the job queue (Redis) is unavailable'));
      await sut.fire(firing);
      expect(scheduleRepository.recordFiring).toHaveBeenCalledWith('sched-1', firing.dueAt, 'the job queue (Redis) is unavailable');
    });

    it('throws anything else, so BullMQ retries the tick', async () => {
      const { sut, createForSchedule, scheduleRepository } = setup();
      createForSchedule.mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
      await expect(sut.fire(firing)).rejects.toThrow('Connection terminated unexpectedly');
      expect(scheduleRepository.recordFiring).not.toHaveBeenCalled();
    });

    it("records that the creator's token is gone (deleted, revoked or expired), and makes no job", async () => {
      const { sut, createForSchedule, scheduleRepository } = setup(entity({ createdBy: null }), null);
      await sut.fire(firing);
      expect(createForSchedule).not.toHaveBeenCalled();
      expect(scheduleRepository.recordFiring).toHaveBeenCalledWith(
        'sched-1',
        firing.dueAt,
        "the token that created this schedule was deleted, revoked or has expired, and a schedule runs with its creator's rights; create it again with a valid token",
      );
    });
  });
});
