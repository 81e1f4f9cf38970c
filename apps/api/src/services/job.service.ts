import {
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { LABEL_PATTERN, type RunEnding, type TraceJobPayload } from '../../../../libs/contracts/src/index.js';
import { budgetProblems } from '../../../../libs/tools/src/event-budget.js';
import { validateParams } from '../../../../libs/tools/src/validate-params.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../constants.js';
import type {
  CreateJobDto,
  JobCreatedResponseDto,
  JobListQueryDto,
  JobListResponseDto,
  JobResponseDto,
  TagJobDto,
} from '../dtos/job.dto.js';
import { TAG_PATTERN } from '../dtos/job.dto.js';
import type { HostEntity } from '../entities/host.entity.js';
import type { RunEntity } from '../entities/run.entity.js';
import type { ToolDefinition } from '../../../../libs/tools/src/definition.js';
import { JobRepository, type JobWithRuns, type NewRun } from '../repositories/job.repository.js';
import { QueueRepository } from '../repositories/queue.repository.js';
import { RedisRepository } from '../repositories/redis.repository.js';
import { decodeCursor, encodeCursor } from '../utils/cursor.js';
import { invalidField, invalidFields, type FieldProblem } from '../utils/errors.js';
import { deriveJobStatus, isJobFinished } from '../utils/job-status.js';
import { hasScope, type AuthContext } from './auth.service.js';
import { HostService } from './host.service.js';
import { ToolService } from './tool.service.js';

const DEFAULT_PAGE_SIZE = 20;
/** A cancel key outlives any run that could still read it: at most its duration plus the reaper's grace. */
const MAX_HOSTS_PER_JOB = 5000;

/** The schedule firing a job comes from: it is linked and tagged, and made once per `fireKey`. */
export interface JobOrigin {
  scheduleId: string;
  fireKey: string;
  tags: string[];
}
const CANCEL_KEY_MARGIN_SEC = 3600;

@Injectable()
export class JobService {
  private readonly logger = new Logger(JobService.name);

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly toolService: ToolService,
    private readonly hostService: HostService,
    private readonly jobRepository: JobRepository,
    private readonly queueRepository: QueueRepository,
    private readonly redisRepository: RedisRepository,
  ) {}

  /**
   * Validates the job, picks its hosts, records it with one run per host (queued, or `skipped` with the
   * reason for a selected host that is offline or lacks what the tool needs) and queues the runs.
   */
  async create(dto: CreateJobDto, auth: AuthContext): Promise<JobCreatedResponseDto> {
    return (await this.createJob(dto, auth))!;
  }

  /**
   * A schedule's firing: the job is linked to the schedule and tagged, and made at most once per firing
   * (`origin.fireKey`): a redelivered firing gets null.
   */
  createForSchedule(dto: CreateJobDto, auth: AuthContext, origin: JobOrigin): Promise<JobCreatedResponseDto | null> {
    return this.createJob(dto, auth, origin);
  }

  private async createJob(dto: CreateJobDto, auth: AuthContext, origin?: JobOrigin): Promise<JobCreatedResponseDto | null> {
    const { tool, params } = this.validateToolAndParams(dto, auth);
    const { runs, target } = await this.planRuns(dto, tool, params);

    const created = await this.jobRepository.createWithRuns({
      tool: tool.name,
      params,
      durationSec: dto.durationSec,
      createdBy: auth.tokenId,
      runs,
      target,
      dispatchTimeoutSec: dto.dispatchTimeoutSec ?? this.config.dispatchTimeoutSec,
      origin,
    });
    if (!created) return null;
    const { job } = created;

    const queued = created.runs.filter((run) => run.status === 'queued');
    const payloads: TraceJobPayload[] = queued.map((run) => ({
      jobId: job.id,
      runId: run.id,
      host: run.host,
      tool: job.tool,
      durationSec: job.durationSec,
      params: job.params,
    }));
    try {
      await this.queueRepository.enqueueTraces(payloads);
    } catch (error) {
      // The rows exist but no agent will ever see them: fail them rather than leave them queued forever.
      const reason = `could not enqueue on Redis: ${(error as Error).message}`;
      this.logger.error(`job ${job.id}: ${reason}`);
      await this.jobRepository.failRuns(
        job.id,
        queued.map((run) => run.id),
        reason,
      );
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        message: `the job queue (Redis) is unavailable; job ${job.id} was recorded as failed, retry later`,
      });
    }

    return {
      id: job.id,
      status: job.status,
      runs: created.runs.map((run) => ({ id: run.id, host: run.host, status: run.status, error: run.error })),
    };
  }

  /**
   * Everything about a job that does not depend on the fleet: tool, access, duration, params (defaults
   * filled in). Throws the 400/403 a bad job gets.
   */
  validateToolAndParams(dto: CreateJobDto, auth: AuthContext): { tool: ToolDefinition; params: Record<string, unknown> } {
    const tool = this.toolService.get(dto.tool);
    if (!tool) {
      const known = [...this.toolService.list().map((t) => t.name)].join(', ');
      throw invalidField('tool', `unknown tool "${dto.tool}" (known: ${known})`);
    }
    if (tool.adminOnly && !hasScope(auth, 'admin')) {
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        message: `tool "${tool.name}" is admin-only: it runs a program the caller writes, with the agent's privileges; use an admin token`,
      });
    }
    if (dto.durationSec > this.config.maxDurationSec) {
      throw invalidField('durationSec', `must not be greater than ${this.config.maxDurationSec}`);
    }
    checkTargetFields(dto);
    const params = structuredClone(dto.params ?? {});
    const paramErrors = validateParams(tool, params, { durationSec: dto.durationSec });
    if (paramErrors.length > 0) throw invalidFields(paramErrors);
    const overBudget = budgetProblems(tool, params, this.config.eventBudgetCaps);
    if (overBudget.length > 0) throw invalidFields(overBudget);
    return { tool, params };
  }

  /** The job's runs: for named hosts, each must be known and able (400 otherwise); selected hosts may be skipped. */
  private async planRuns(
    dto: CreateJobDto,
    tool: ToolDefinition,
    params: Record<string, unknown>,
  ): Promise<{ runs: NewRun[]; target: Record<string, unknown> }> {
    const required = tool.requires(params);
    const lacking = (host: HostEntity) => required.filter((capability) => host.capabilities[capability] !== true);

    if (dto.hosts) {
      const hosts = await this.hostService.getForScheduling(dto.hosts);
      const byName = new Map(hosts.map((host) => [host.name, host]));
      const problems: FieldProblem[] = [];
      const unknown = dto.hosts.filter((name) => !byName.has(name));
      if (unknown.length > 0) {
        problems.push({ field: 'hosts', message: `unknown host(s): ${unknown.join(', ')} (see GET /v1/hosts)` });
      }
      for (const host of hosts) {
        const missing = lacking(host);
        if (missing.length > 0) {
          problems.push({ field: 'hosts', message: `host "${host.name}" lacks ${missing.join(', ')}, which ${tool.name} requires` });
        }
      }
      if (problems.length > 0) throw invalidFields(problems);
      return { runs: dto.hosts.map((host) => ({ host })), target: { hosts: dto.hosts } };
    }

    const field = dto.selector ? 'selector' : 'all';
    const selected = await this.hostService.select(dto.selector?.labels);
    if (selected.length === 0) {
      throw invalidField(
        field,
        dto.selector
          ? `no host has the labels ${formatLabels(dto.selector.labels)} (see GET /v1/hosts?label=…)`
          : 'no host has ever sent a heartbeat',
      );
    }
    if (selected.length > MAX_HOSTS_PER_JOB) {
      throw invalidField(field, `selects ${selected.length} hosts; a job runs on at most ${MAX_HOSTS_PER_JOB}`);
    }
    const runs = selected.map((host): NewRun => {
      if (!this.hostService.isOnline(host)) {
        return { host: host.name, skipped: `host ${host.name} was offline at dispatch (last heartbeat ${host.lastSeen.toISOString()})` };
      }
      const missing = lacking(host);
      if (missing.length > 0) return { host: host.name, skipped: `host ${host.name} lacks ${missing.join(', ')}, which ${tool.name} requires` };
      return { host: host.name };
    });
    return { runs, target: dto.selector ? { selector: { labels: dto.selector.labels } } : { all: true } };
  }

  /** These jobs in the order given (3 queries for the page, whatever its size); unknown ids are skipped. */
  async getMany(ids: string[]): Promise<JobResponseDto[]> {
    return (await this.jobRepository.getMany(ids)).map(toJobDto);
  }

  async get(id: string): Promise<JobResponseDto> {
    const found = await this.jobRepository.getById(id);
    if (!found) throw new NotFoundException(`job ${id} not found`);
    return toJobDto(found);
  }

  /**
   * Cancels every unfinished run of the job. Queued runs are taken off their host's queue and are
   * `cancelled` at once; runs an agent holds are signalled through Redis and become `cancelled` when
   * their agent confirms (within a second or so). Finished runs are untouched. Cancelling a job that is
   * already `cancelled` answers it again (idempotent); cancelling one that finished otherwise is a 409.
   */
  async cancel(id: string): Promise<JobResponseDto> {
    const found = await this.jobRepository.getById(id);
    if (!found) throw new NotFoundException(`job ${id} not found`);
    const statuses = found.runs.map((run) => run.status);
    if (isJobFinished(statuses)) {
      const status = deriveJobStatus(statuses);
      if (status === 'cancelled') return toJobDto(found);
      throw new ConflictException(`job ${id} already finished (status: ${status}); there is nothing left to cancel`);
    }

    const running = found.runs.filter((run) => run.status === 'running');
    const queued = found.runs.filter((run) => run.status === 'queued');
    const removed = await this.endRuns(found, running, 'cancel', queued);
    this.logger.log(`job ${id}: cancelled ${removed} queued run(s), signalled ${running.length + queued.length - removed} to their agents`);
    return this.get(id);
  }

  /**
   * Ends the trace window of every running run now: each ends `succeeded` with what it saw so far (the
   * agent detaches and reports as if its duration had run out). Runs still queued have no window to end
   * and are cancelled. The job's status follows when the agents report (within a second or so).
   * Stopping a job whose runs all finished is a 409; stopping one already being stopped is idempotent.
   */
  async stop(id: string): Promise<JobResponseDto> {
    const found = await this.jobRepository.getById(id);
    if (!found) throw new NotFoundException(`job ${id} not found`);
    const statuses = found.runs.map((run) => run.status);
    if (isJobFinished(statuses)) {
      throw new ConflictException(
        `job ${id} already finished (status: ${deriveJobStatus(statuses)}); there is nothing left to stop`,
      );
    }
    const running = found.runs.filter((run) => run.status === 'running');
    const queued = found.runs.filter((run) => run.status === 'queued');
    const removed = await this.endRuns(found, running, 'stop', queued);
    this.logger.log(`job ${id}: stopping ${running.length} running run(s), cancelled ${removed} queued`);
    return this.get(id);
  }

  /**
   * Asks the agents of `running` runs to end them as `ending`, and cancels `queued` ones: each gets a cancel key
   * first (an agent taking it between the two steps then finds it), then is taken off its queue and recorded
   * `cancelled` — also when Redis failed for others, which then makes the 503 (retrying is safe: both requests
   * are idempotent). Returns how many queued runs were taken off their queue.
   */
  private async endRuns({ job }: JobWithRuns, running: RunEntity[], ending: RunEnding, queued: RunEntity[]): Promise<number> {
    const removed: string[] = [];
    let problem: Error | undefined;
    try {
      const ttlSec = job.durationSec + this.config.runGraceSec + CANCEL_KEY_MARGIN_SEC;
      await this.redisRepository.requestEnd(running, ending, ttlSec);
      await this.redisRepository.requestEnd(queued, 'cancel', ttlSec);
      const outcomes = await Promise.allSettled(queued.map((run) => this.queueRepository.removeQueuedTrace(run.host, run.id)));
      outcomes.forEach((outcome, i) => {
        if (outcome.status === 'fulfilled' && outcome.value) removed.push(queued[i].id);
        if (outcome.status === 'rejected') problem ??= outcome.reason as Error;
      });
    } catch (error) {
      problem = error as Error;
    }
    if (removed.length > 0) await this.jobRepository.cancelQueuedRuns(job.id, removed);
    if (problem) {
      this.logger.error(`job ${job.id}: ${ending} incomplete: ${problem.message}`);
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        message: `the job queue (Redis) is unavailable; job ${job.id} may not be fully ${ending === 'stop' ? 'stopped' : 'cancelled'}, retry (${ending} is idempotent)`,
      });
    }
    return removed.length;
  }

  async addTags(id: string, dto: TagJobDto): Promise<JobResponseDto> {
    if (!(await this.jobRepository.exists(id))) throw new NotFoundException(`job ${id} not found`);
    await this.jobRepository.addTags(id, [...new Set(dto.tags)]);
    return this.get(id);
  }

  async removeTag(id: string, tag: string): Promise<JobResponseDto> {
    if (!TAG_PATTERN.test(tag)) throw invalidField('tag', `must be a tag, got ${JSON.stringify(tag.slice(0, 80))}`);
    if (!(await this.jobRepository.exists(id))) throw new NotFoundException(`job ${id} not found`);
    if (!(await this.jobRepository.removeTag(id, tag))) throw new NotFoundException(`job ${id} has no tag "${tag}"`);
    return this.get(id);
  }

  async list(query: JobListQueryDto): Promise<JobListResponseDto> {
    let afterId: string | undefined;
    if (query.cursor !== undefined) {
      afterId = decodeCursor(query.cursor);
      if (!afterId || !(await this.jobRepository.exists(afterId))) {
        throw invalidField('cursor', 'is not a cursor returned by this API (or its job was deleted)');
      }
    }
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const filter = { tag: query.tag, tool: query.tool, host: query.host, status: query.status };
    const { items, hasMore } = await this.jobRepository.list(limit, afterId, filter);
    return {
      items: items.map(toJobDto),
      nextCursor: hasMore ? encodeCursor(items[items.length - 1].job.id) : null,
    };
  }
}

export /** Exactly one of hosts, selector, all; a selector's labels well-formed. */
function checkTargetFields(dto: CreateJobDto): void {
  const given = (['hosts', 'selector', 'all'] as const).filter((field) => dto[field] !== undefined);
  if (given.length !== 1) {
    const fields = given.length === 0 ? ['hosts', 'selector', 'all'] : given;
    throw invalidFields(
      fields.map((field) => ({
        field,
        message:
          given.length === 0
            ? 'give exactly one of hosts, selector or all'
            : `${given.join(' and ')} are mutually exclusive: give exactly one of hosts, selector or all`,
      })),
    );
  }
  if (dto.selector) {
    const entries = Object.entries(dto.selector.labels);
    if (entries.length === 0) throw invalidField('selector.labels', 'give at least one label, e.g. { "role": "db" }');
    if (entries.length > 20) throw invalidField('selector.labels', 'must not have more than 20 labels');
    for (const [key, value] of entries) {
      if (!LABEL_PATTERN.test(key)) throw invalidField(`selector.labels`, `label name ${JSON.stringify(key.slice(0, 80))} must match ${LABEL_PATTERN.source}`);
      if (typeof value !== 'string' || !LABEL_PATTERN.test(value)) {
        throw invalidField(`selector.labels.${key}`, `must be a label value matching ${LABEL_PATTERN.source}`);
      }
    }
  }
}

const formatLabels = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');

function toJobDto({ job, runs, tags }: JobWithRuns): JobResponseDto {
  return {
    id: job.id,
    tool: job.tool,
    // Derived on read as well, so the answer always agrees with the runs it lists.
    status: deriveJobStatus(runs.map((run) => run.status)),
    durationSec: job.durationSec,
    params: job.params,
    target: job.target,
    dispatchTimeoutSec: job.dispatchTimeoutSec,
    scheduleId: job.scheduleId,
    createdBy: job.createdBy,
    tags,
    createdAt: job.createdAt.toISOString(),
    runs: runs.map((run) => ({
      id: run.id,
      host: run.host,
      status: run.status,
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
      error: run.error,
      stats: (run.stats as Record<string, number> | null) ?? null,
    })),
  };
}
