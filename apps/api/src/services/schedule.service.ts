import {
  BadRequestException,
  ConflictException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { getNextMillis } from 'bullmq';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../constants.js';
import type { CreateJobDto, JobListResponseDto } from '../dtos/job.dto.js';
import {
  SCHEDULE_TAG_PREFIX,
  type CreateScheduleDto,
  type ScheduleListResponseDto,
  type SchedulePageQueryDto,
  type ScheduleResponseDto,
  type UpdateScheduleDto,
} from '../dtos/schedule.dto.js';
import type { ScheduleEntity, ScheduledJob } from '../entities/schedule.entity.js';
import { ScheduleRepository, type SchedulePatch, type ScheduleTiming } from '../repositories/schedule.repository.js';
import { SchedulerRepository, type Firing, type SchedulerTimer } from '../repositories/scheduler.repository.js';
import { decodeCursor, encodeCursor } from '../utils/cursor.js';
import { invalidField, invalidFields, type FieldProblem } from '../utils/errors.js';
import type { AuthContext } from './auth.service.js';
import { JobService } from './job.service.js';

/** The zone a cron is read in when the caller names none: the same on every replica, whatever its host's zone. */
export const DEFAULT_TIMEZONE = 'UTC';
const DEFAULT_PAGE_SIZE = 20;
const PATCHABLE = ['cron', 'timezone', 'enabled', 'job', 'tags'] as const;

/**
 * Schedules: a cron, a zone and a job body, stored in Postgres; their timers are BullMQ job schedulers in
 * Redis (SchedulerRepository). Every write changes Redis inside the Postgres transaction, so a write Redis
 * refuses changes nothing (503). Postgres is the truth: at boot and every `scheduleReconcileMs` each replica
 * gives every enabled schedule its timer and removes the others, which also repairs a Redis that lost its data.
 * Each tick becomes an ordinary job, linked and tagged, made at most once per tick.
 */
@Injectable()
export class ScheduleService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ScheduleService.name);
  private timer?: NodeJS.Timeout;
  private reconciling?: Promise<void>;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly scheduleRepository: ScheduleRepository,
    private readonly schedulerRepository: SchedulerRepository,
    private readonly jobService: JobService,
  ) {}

  onApplicationBootstrap(): void {
    this.schedulerRepository.startWorker((firing) => this.fire(firing));
    void this.reconcile();
    this.timer = setInterval(() => void this.reconcile(), this.config.scheduleReconcileMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * Validates everything that does not depend on the fleet (cron, zone, tags, and the job as POST /v1/jobs
   * would, with the caller's access) and only then writes the schedule and its timer.
   */
  async create(dto: CreateScheduleDto, auth: AuthContext): Promise<ScheduleResponseDto> {
    const cron = normalizeCron(dto.cron);
    const timezone = dto.timezone ?? DEFAULT_TIMEZONE;
    const job = this.checkJob(dto.job, auth, [...timingProblems(cron, timezone), ...tagProblems(dto.tags)]);

    const created = await this.scheduleRepository.create(
      { name: dto.name, cron, timezone, job, tags: dto.tags ?? [], createdBy: auth.tokenId },
      (schedule) => this.syncTimer(schedule),
    );
    if (!created) throw new ConflictException(`a schedule named "${dto.name}" already exists`);
    this.logger.log(`schedule ${created.id} (${created.name}): created, cron "${cron}" in ${timezone}`);
    return toScheduleDto(created, new Date());
  }

  async get(id: string): Promise<ScheduleResponseDto> {
    const schedule = await this.scheduleRepository.getById(id);
    if (!schedule) throw scheduleNotFound(id);
    return toScheduleDto(schedule, new Date());
  }

  async list(query: SchedulePageQueryDto): Promise<ScheduleListResponseDto> {
    let afterId: string | undefined;
    if (query.cursor !== undefined) {
      afterId = decodeCursor(query.cursor);
      if (!afterId || !(await this.scheduleRepository.exists(afterId))) {
        throw invalidField('cursor', 'is not a cursor returned by this API (or its schedule was deleted)');
      }
    }
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const { items, hasMore } = await this.scheduleRepository.list(limit, afterId);
    const now = new Date();
    return {
      items: items.map((schedule) => toScheduleDto(schedule, now)),
      nextCursor: hasMore ? encodeCursor(items[items.length - 1].id) : null,
    };
  }

  /**
   * Changes the fields given (at least one). A new cron or zone, or re-enabling, gives the schedule a fresh
   * timer whose next tick is computed from now; disabling removes it. A new `job` replaces the stored one
   * whole and is checked with the caller's access, as at creation.
   */
  async update(id: string, dto: UpdateScheduleDto, auth: AuthContext): Promise<ScheduleResponseDto> {
    const given = PATCHABLE.filter((field) => dto[field] !== undefined);
    if (given.length === 0) throw invalidField('body', `give at least one of ${PATCHABLE.join(', ')}`);
    const current = await this.scheduleRepository.getById(id);
    if (!current) throw scheduleNotFound(id);

    const cron = dto.cron === undefined ? undefined : normalizeCron(dto.cron);
    const problems =
      cron !== undefined || dto.timezone !== undefined ? timingProblems(cron ?? current.cron, dto.timezone ?? current.timezone) : [];
    problems.push(...tagProblems(dto.tags));
    const job = dto.job && this.checkJob(dto.job, auth, problems);
    if (problems.length > 0) throw invalidFields(problems);

    const patch: SchedulePatch = { cron, timezone: dto.timezone, enabled: dto.enabled, job, tags: dto.tags };
    const updated = await this.scheduleRepository.update(id, patch, async (before, after) => {
      if (timerChanged(before, after)) await this.syncTimer(after);
    });
    if (!updated) throw scheduleNotFound(id);
    this.logger.log(`schedule ${id} (${updated.name}): changed ${given.join(', ')}`);
    return toScheduleDto(updated, new Date());
  }

  /** Deletes the schedule and its timer. Its jobs stay, unlinked but still tagged `schedule:<name>`. */
  async delete(id: string): Promise<void> {
    const current = await this.scheduleRepository.getById(id);
    if (!current) throw scheduleNotFound(id);
    const deleted = await this.scheduleRepository.delete(id, (schedule) => this.syncTimer({ ...schedule, enabled: false }));
    if (!deleted) throw scheduleNotFound(id);
    this.logger.log(`schedule ${id} (${current.name}): deleted`);
  }

  /** The schedule's jobs, newest first, a page at a time. */
  async jobs(id: string, query: SchedulePageQueryDto): Promise<JobListResponseDto> {
    if (!(await this.scheduleRepository.exists(id))) throw scheduleNotFound(id);
    let afterJobId: string | undefined;
    if (query.cursor !== undefined) {
      afterJobId = decodeCursor(query.cursor);
      if (!afterJobId || !(await this.scheduleRepository.isJobOf(id, afterJobId))) {
        throw invalidField('cursor', 'is not a cursor returned by this API for this schedule');
      }
    }
    const { ids, hasMore } = await this.scheduleRepository.jobIds(id, query.limit ?? DEFAULT_PAGE_SIZE, afterJobId);
    return {
      items: await this.jobService.getMany(ids),
      nextCursor: hasMore ? encodeCursor(ids[ids.length - 1]) : null,
    };
  }

  /**
   * One tick: makes the schedule's job with its creator's rights, at most once per fire key. A job that cannot
   * be made now (no host matches, the job's own problem, Redis refused its runs) is not retried: the reason
   * is recorded on the schedule (`lastError`) and the next tick tries again. Anything else (Postgres away)
   * is thrown, so BullMQ retries the firing.
   */
  async fire(firing: Firing): Promise<void> {
    const found = await this.scheduleRepository.getWithCreator(firing.scheduleId);
    // Deleted or disabled after BullMQ made this tick: the reconciliation removes a timer left behind.
    if (!found?.schedule.enabled) return;
    const { schedule, creator } = found;
    if (!creator) {
      await this.scheduleRepository.recordFiring(
        schedule.id,
        firing.dueAt,
        'the token that created this schedule was deleted, revoked or has expired, and a schedule runs with its creator\'s rights; create it again with a valid token',
      );
      return;
    }

    let error: string | null = null;
    try {
      const job = await this.jobService.createForSchedule(
        schedule.job,
        creator,
        { scheduleId: schedule.id, fireKey: firing.fireKey, tags: jobTagsOf(schedule) },
      );
      // A redelivered tick whose job exists already: the first delivery recorded it.
      if (!job) return;
      this.logger.log(`schedule ${schedule.id} (${schedule.name}): tick ${firing.dueAt.toISOString()} made job ${job.id}`);
    } catch (thrown) {
      if (!isJobRefusal(thrown)) throw thrown;
      error =
        thrown instanceof BadRequestException
          ? jobProblems(thrown).map((problem) => `${problem.field}: ${problem.message}`).join('; ')
          : thrown.message;
      this.logger.warn(`schedule ${schedule.id} (${schedule.name}): tick ${firing.dueAt.toISOString()} made no job: ${error}`);
    }
    await this.scheduleRepository.recordFiring(schedule.id, firing.dueAt, error);
  }

  /**
   * Brings Redis in line with Postgres: every enabled schedule has its timer with its cron and zone, no other
   * timer exists. Concurrent calls share one pass; failures are logged and the next pass repairs.
   */
  reconcile(): Promise<void> {
    this.reconciling ??= (async () => {
      try {
        await this.scheduleRepository.withEveryTiming(async (schedules) => {
          const plan = planReconcile(schedules, await this.schedulerRepository.list());
          for (const timer of plan.upsert) await this.schedulerRepository.upsert(timer);
          for (const scheduleId of plan.remove) await this.schedulerRepository.remove(scheduleId);
          if (plan.upsert.length + plan.remove.length > 0) {
            this.logger.log(`reconciled schedule timers: ${plan.upsert.length} set, ${plan.remove.length} removed`);
          }
        });
      } catch (error) {
        this.logger.warn(`reconciling schedule timers: ${(error as Error).message}`);
      } finally {
        this.reconciling = undefined;
      }
    })();
    return this.reconciling;
  }

  /**
   * The job body to store, checked as POST /v1/jobs checks it before looking at the fleet. Throws one 400
   * listing `problems` (found earlier) and the job's own, whose fields are put under `job.`; a 403
   * (admin-only tool) is thrown as is.
   */
  private checkJob(dto: CreateJobDto, auth: AuthContext, problems: FieldProblem[]): ScheduledJob {
    let checked: ReturnType<JobService['validateToolAndParams']>;
    try {
      checked = this.jobService.validateToolAndParams(dto, auth);
    } catch (error) {
      if (!(error instanceof BadRequestException)) throw error;
      throw invalidFields([...problems, ...jobProblems(error)]);
    }
    if (problems.length > 0) throw invalidFields(problems);
    return {
      tool: checked.tool.name,
      durationSec: dto.durationSec,
      params: checked.params,
      ...(dto.hosts && { hosts: dto.hosts }),
      ...(dto.selector && { selector: { labels: dto.selector.labels } }),
      ...(dto.all && { all: true }),
      ...(dto.dispatchTimeoutSec !== undefined && { dispatchTimeoutSec: dto.dispatchTimeoutSec }),
    };
  }

  /** Gives an enabled schedule its timer, removes a disabled one's; a Redis failure becomes the 503 that undoes the write. */
  private async syncTimer(schedule: ScheduleTiming): Promise<void> {
    try {
      if (schedule.enabled) await this.schedulerRepository.upsert(timerOf(schedule));
      else await this.schedulerRepository.remove(schedule.id);
    } catch (error) {
      this.logger.error(`schedule ${schedule.id}: timer not changed on Redis: ${(error as Error).message}`);
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        message: `the schedule timers (Redis) are unavailable (${(error as Error).message}); nothing was changed, retry later`,
      });
    }
  }
}

/** What to change in Redis so that exactly the enabled schedules have a timer, each with its cron and zone. */
export function planReconcile(
  schedules: readonly ScheduleTiming[],
  timers: readonly SchedulerTimer[],
): { upsert: SchedulerTimer[]; remove: string[] } {
  const existing = new Map(timers.map((timer) => [timer.scheduleId, timer]));
  const enabled = schedules.filter((schedule) => schedule.enabled);
  const wanted = new Set(enabled.map((schedule) => schedule.id));
  return {
    upsert: enabled
      .filter((schedule) => {
        const timer = existing.get(schedule.id);
        return timer?.cron !== schedule.cron || timer.timezone !== schedule.timezone;
      })
      .map(timerOf),
    remove: timers.filter((timer) => !wanted.has(timer.scheduleId)).map((timer) => timer.scheduleId),
  };
}

/**
 * Problems of a cron read in a zone, under the fields `cron` and `timezone`. The cron is parsed by BullMQ's
 * own `getNextMillis` (cron-parser), so what passes here is what its job scheduler runs. Five fields, or six
 * with seconds first. cron-parser's `@daily`-style shorthands are refused (it answers a misspelt one with a
 * riddle; the fields say the same plainly), and so is `H`, which it draws anew at every tick unless seeded,
 * making the ticks irregular.
 */
export function timingProblems(cron: string, timezone: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const fields = cron.split(' ');
  if (fields.length !== 5 && fields.length !== 6) {
    problems.push({
      field: 'cron',
      message: `must have 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got ${cron ? fields.length : 0}`,
    });
  } else if (/(?<![a-z])h(?![a-z])/i.test(cron)) {
    problems.push({ field: 'cron', message: '`H` (a random value) is not supported: give the value itself' });
  } else {
    const cronProblem = nextTickProblem(cron);
    if (cronProblem) problems.push({ field: 'cron', message: cronProblem });
  }

  if (!isIanaZone(timezone)) {
    problems.push({ field: 'timezone', message: `unknown time zone "${timezone}": give an IANA name such as Europe/Paris or UTC` });
  } else if (problems.length === 0) {
    const zoneProblem = nextTickProblem(cron, timezone);
    if (zoneProblem) problems.push({ field: 'timezone', message: `cannot read the cron in "${timezone}": ${zoneProblem}` });
  }
  return problems;
}

/** The cron's next tick after `from` in `timezone`, as BullMQ computes it; null when it never fires again. */
export function nextTick(cron: string, timezone: string, from: Date): Date | null {
  const next = getNextMillis(from.getTime(), { pattern: cron, tz: timezone });
  return next === undefined ? null : new Date(next);
}

/** The tags every job of the schedule gets: its own, then `schedule:<name>`. */
export function jobTagsOf(schedule: Pick<ScheduleEntity, 'name' | 'tags'>): string[] {
  return [...schedule.tags, `${SCHEDULE_TAG_PREFIX}${schedule.name}`];
}

function nextTickProblem(cron: string, timezone?: string): string | undefined {
  try {
    if (getNextMillis(Date.now(), { pattern: cron, tz: timezone }) === undefined) return 'never fires';
  } catch (error) {
    return (error as Error).message;
  }
}

function isIanaZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** One space between fields, none around: what is stored and compared with Redis. */
const normalizeCron = (cron: string) => cron.trim().split(/\s+/).join(' ');

function tagProblems(tags: string[] | undefined): FieldProblem[] {
  const reserved = (tags ?? []).filter((tag) => tag.startsWith(SCHEDULE_TAG_PREFIX));
  return reserved.length === 0
    ? []
    : [{ field: 'tags', message: `${reserved.join(', ')}: tags starting with "${SCHEDULE_TAG_PREFIX}" are the API's (each job gets ${SCHEDULE_TAG_PREFIX}<name>)` }];
}

const timerOf = (schedule: ScheduleTiming): SchedulerTimer => ({
  scheduleId: schedule.id,
  cron: schedule.cron,
  timezone: schedule.timezone,
});

/** Whether Redis must change: enabled flipped, or an enabled schedule's cron or zone changed. */
const timerChanged = (before: ScheduleTiming, after: ScheduleTiming) =>
  before.enabled !== after.enabled || (after.enabled && (before.cron !== after.cron || before.timezone !== after.timezone));

/** The job's own refusal (4xx), or Redis refusing its runs (503, the job is recorded failed): retrying the tick cannot help. */
function isJobRefusal(error: unknown): error is HttpException {
  if (!(error instanceof HttpException)) return false;
  const status = error.getStatus();
  return status < 500 || status === HttpStatus.SERVICE_UNAVAILABLE;
}

/** The problems of a job's 400 (utils/errors invalidFields), named as fields of the schedule: under `job.`. */
function jobProblems(error: BadRequestException): FieldProblem[] {
  const { details } = error.getResponse() as { details: FieldProblem[] };
  return details.map((problem) => ({ ...problem, field: `job.${problem.field}` }));
}

const scheduleNotFound = (id: string) => new NotFoundException(`schedule ${id} not found`);

function toScheduleDto(schedule: ScheduleEntity, now: Date): ScheduleResponseDto {
  return {
    id: schedule.id,
    name: schedule.name,
    cron: schedule.cron,
    timezone: schedule.timezone,
    enabled: schedule.enabled,
    job: schedule.job,
    tags: schedule.tags,
    jobTags: jobTagsOf(schedule),
    createdAt: schedule.createdAt.toISOString(),
    updatedAt: schedule.updatedAt.toISOString(),
    lastFiredAt: schedule.lastFiredAt?.toISOString() ?? null,
    lastError: schedule.lastError,
    nextFireAt: schedule.enabled ? (nextTick(schedule.cron, schedule.timezone, now)?.toISOString() ?? null) : null,
  };
}
