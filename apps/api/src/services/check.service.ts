import {
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ResultKind } from '../../../../libs/contracts/src/index.js';
import {
  evaluateThresholds,
  IncompatibleSamplesError,
  parseThresholds,
  type Sample,
  type Threshold,
} from '../../../../libs/results/src/compare/index.js';
import { validateParams } from '../../../../libs/tools/src/validate-params.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../constants.js';
import type { CheckListQueryDto, CheckListResponseDto, CheckResponseDto, CreateCheckDto } from '../dtos/check.dto.js';
import type { BaselineSpec, CheckEntity, ThresholdOutcome, ThresholdSpec } from '../entities/check.entity.js';
import { CheckRepository } from '../repositories/check.repository.js';
import { JobRepository } from '../repositories/job.repository.js';
import { decodeCursor, encodeCursor } from '../utils/cursor.js';
import { invalidField, invalidFields } from '../utils/errors.js';
import type { AuthContext } from './auth.service.js';
import { CompareService, type LoadedSide } from './compare.service.js';
import { JobService } from './job.service.js';
import { ToolService } from './tool.service.js';

const DEFAULT_PAGE_SIZE = 20;
const JOB_FIELDS = ['tool', 'hosts', 'durationSec', 'params'] as const;

/**
 * CI regression verdicts: a check runs (or takes) a candidate job, and when it ends compares it with a
 * baseline job under the caller's thresholds. Judged by a sweep of checks whose candidate finished (every
 * `checkIntervalMs`, and at once when the results processor reports a run ending), so a verdict survives an
 * API restart and several replicas judge each check once.
 */
@Injectable()
export class CheckService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CheckService.name);
  private timer?: NodeJS.Timeout;
  private judging?: Promise<void>;
  private judgeAgain = false;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly checkRepository: CheckRepository,
    private readonly jobRepository: JobRepository,
    private readonly jobService: JobService,
    private readonly compareService: CompareService,
    private readonly toolService: ToolService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.judgeReady(), this.config.checkIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async create(dto: CreateCheckDto, auth: AuthContext): Promise<CheckResponseDto> {
    const baseline = baselineSpec(dto);
    const candidate = await this.candidateOf(dto);
    const names = Object.keys(dto.thresholds);
    if (names.length === 0) throw invalidField('thresholds', 'give at least one threshold, e.g. { "p99": "+10%" }');
    if (names.length > 50) throw invalidField('thresholds', 'must not have more than 50 thresholds');
    const { problems } = parseThresholds(candidate.kind, dto.thresholds);
    if (problems.length > 0) throw invalidFields(problems);

    let baselineJobId: string | null;
    if ('jobId' in baseline) {
      const found = await this.jobRepository.getById(baseline.jobId);
      if (!found) throw invalidField('baseline.jobId', `no job has id ${baseline.jobId}`);
      if (found.job.tool !== candidate.tool) {
        throw invalidField('baseline.jobId', `job ${baseline.jobId} ran ${found.job.tool}, not ${candidate.tool}`);
      }
      baselineJobId = found.job.id;
    } else {
      baselineJobId = await this.jobRepository.latestTagged(baseline.tag, candidate.tool, candidate.hosts, candidate.jobId);
    }

    // Everything the caller sent is valid: only now is anything written.
    const candidateJobId =
      candidate.jobId ??
      (
        await this.jobService.create(
          { tool: dto.tool!, hosts: dto.hosts!, durationSec: dto.durationSec!, params: dto.params },
          auth,
        )
      ).id;
    const check = await this.checkRepository.create({
      tool: candidate.tool,
      baseline,
      thresholds: Object.entries(dto.thresholds).map(([name, limit]) => ({ name, limit })),
      baselineJobId,
      candidateJobId,
      createdBy: auth.tokenId,
    });
    // A candidate that already ended is judged now, so the answer carries the verdict.
    if (candidate.jobId) await this.judge(check.id);
    return this.get(check.id);
  }

  async get(id: string): Promise<CheckResponseDto> {
    const check = await this.checkRepository.getById(id);
    if (!check) throw new NotFoundException(`check ${id} not found`);
    return toCheckDto(check);
  }

  async list(query: CheckListQueryDto): Promise<CheckListResponseDto> {
    let afterId: string | undefined;
    if (query.cursor !== undefined) {
      afterId = decodeCursor(query.cursor);
      if (!afterId || !(await this.checkRepository.exists(afterId))) {
        throw invalidField('cursor', 'is not a cursor returned by this API');
      }
    }
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const { items, hasMore } = await this.checkRepository.list(limit, afterId);
    return { items: items.map(toCheckDto), nextCursor: hasMore ? encodeCursor(items[items.length - 1].id) : null };
  }

  /**
   * Judges every check whose candidate job has ended. Calls while a sweep runs schedule one more sweep
   * after it (a run may have ended after the sweep read the list), never a pile of them.
   */
  judgeReady(): Promise<void> {
    if (this.judging) {
      this.judgeAgain = true;
      return this.judging;
    }
    this.judging = (async () => {
      try {
        do {
          this.judgeAgain = false;
          for (const id of await this.checkRepository.readyToJudge()) await this.judge(id);
        } while (this.judgeAgain);
      } catch (error) {
        this.logger.warn(`judging checks: ${(error as Error).message}`);
      } finally {
        this.judging = undefined;
      }
    })();
    return this.judging;
  }

  private async judge(id: string): Promise<void> {
    const check = await this.checkRepository.getById(id);
    if (!check || check.status !== 'running') return;
    const candidateJob = await this.jobRepository.getById(check.candidateJobId);
    if (!candidateJob) return;
    if (!['succeeded', 'failed', 'partial', 'cancelled'].includes(candidateJob.job.status)) return;

    const kind = this.toolService.get(check.tool)?.resultKindOf(candidateJob.job.params);
    const { parsed } = parseThresholds(kind ?? 'counts', Object.fromEntries(check.thresholds.map((t) => [t.name, t.limit])));
    let evaluation: { verdict: 'pass' | 'fail' | 'inconclusive'; thresholds: ThresholdOutcome[] };
    if (candidateJob.job.status !== 'succeeded') {
      const failed = candidateJob.runs.filter((run) => run.status !== 'succeeded');
      const why = `the candidate job ended ${candidateJob.job.status}: ${failed
        .map((run) => `${run.host} ${run.status}${run.error ? ` (${run.error})` : ''}`)
        .join(', ')}; a check judges only a job whose every run succeeded`;
      evaluation = inconclusive(check.thresholds, why);
    } else {
      const candidate = await this.compareService.load(check.candidateJobId, 'candidate');
      const baseline = await this.loadBaseline(check);
      evaluation = baseline
        ? judgeOrExplain(baseline.sample, candidate.sample, parsed, check.thresholds)
        : inconclusive(check.thresholds, describeMissingBaseline(check));
    }
    if (await this.checkRepository.finish(id, evaluation.verdict, evaluation.thresholds)) {
      this.logger.log(`check ${id}: ${evaluation.verdict}`);
    }
  }

  private async loadBaseline(check: CheckEntity): Promise<LoadedSide | null> {
    if (!check.baselineJobId) return null;
    try {
      return await this.compareService.load(check.baselineJobId, 'baseline');
    } catch (error) {
      if (error instanceof NotFoundException || error instanceof ConflictException) return null;
      throw error;
    }
  }

  /** The candidate's tool, result kind and hosts, from the job given or the job to run. */
  private async candidateOf(dto: CreateCheckDto): Promise<{ tool: string; kind: ResultKind; hosts: string[]; jobId?: string }> {
    const jobFields = JOB_FIELDS.filter((field) => dto[field] !== undefined);
    if (dto.candidate) {
      if (jobFields.length > 0) {
        throw invalidField(
          'candidate',
          `candidate and ${jobFields.join(', ')} are mutually exclusive: judge a job already run ({ candidate: { jobId } }) or run a new one ({ tool, hosts, durationSec, params })`,
        );
      }
      const found = await this.jobRepository.getById(dto.candidate.jobId);
      if (!found) throw invalidField('candidate.jobId', `no job has id ${dto.candidate.jobId}`);
      const tool = this.toolService.get(found.job.tool);
      if (!tool) throw invalidField('candidate.jobId', `job ${found.job.id} ran ${found.job.tool}, which this API no longer has`);
      return { tool: tool.name, kind: tool.resultKindOf(found.job.params), hosts: found.runs.map((run) => run.host), jobId: found.job.id };
    }
    const missing = (['tool', 'hosts', 'durationSec'] as const).filter((field) => dto[field] === undefined);
    if (missing.length > 0) {
      throw invalidFields(
        missing.map((field) => ({ field, message: 'is required to run a candidate job (or give candidate: { jobId })' })),
      );
    }
    const tool = this.toolService.get(dto.tool!);
    if (!tool) throw invalidField('tool', `unknown tool "${dto.tool}" (see GET /v1/tools)`);
    // The job's own validation runs again when it is created; this copy only tells the result kind.
    const params = structuredClone(dto.params ?? {});
    const errors = validateParams(tool, params, { durationSec: dto.durationSec! });
    if (errors.length > 0) throw invalidFields(errors);
    return { tool: tool.name, kind: tool.resultKindOf(params), hosts: dto.hosts! };
  }
}

/** The evaluation, or every threshold inconclusive when the two cannot be compared (other kind or unit). */
function judgeOrExplain(baseline: Sample, candidate: Sample, parsed: Threshold[], thresholds: ThresholdSpec[]) {
  try {
    return evaluateThresholds(baseline, candidate, parsed);
  } catch (error) {
    if (error instanceof IncompatibleSamplesError) return inconclusive(thresholds, `the baseline cannot be compared: ${error.message}`);
    throw error;
  }
}

function baselineSpec(dto: CreateCheckDto): BaselineSpec {
  const { jobId, tag } = dto.baseline;
  if ((jobId === undefined) === (tag === undefined)) {
    throw invalidField('baseline', 'give exactly one of baseline.jobId or baseline.tag');
  }
  return jobId !== undefined ? { jobId: jobId.toLowerCase() } : { tag: tag! };
}

function inconclusive(thresholds: ThresholdSpec[], why: string) {
  return {
    verdict: 'inconclusive' as const,
    thresholds: thresholds.map(({ name, limit }) => ({
      name,
      limit,
      baseline: null,
      candidate: null,
      change: null,
      pass: null,
      why,
      pValue: null,
    })),
  };
}

function describeMissingBaseline(check: CheckEntity): string {
  if ('tag' in check.baseline) {
    return check.baselineJobId
      ? `the baseline job ${check.baselineJobId} (tag "${check.baseline.tag}") has no succeeded result any more`
      : `no succeeded ${check.tool} job tagged "${check.baseline.tag}" on the same hosts existed when the check was created`;
  }
  return `the baseline job ${check.baseline.jobId} has no succeeded run to compare`;
}

function toCheckDto(check: CheckEntity): CheckResponseDto {
  const waiting = (name: string, limit: string): ThresholdOutcome => ({
    name,
    limit,
    baseline: null,
    candidate: null,
    change: null,
    pass: null,
    why: 'waiting for the candidate job to end',
    pValue: null,
  });
  return {
    id: check.id,
    tool: check.tool,
    status: check.status,
    verdict: check.verdict,
    baseline: check.baseline,
    baselineJobId: check.baselineJobId,
    candidateJobId: check.candidateJobId,
    thresholds: check.outcomes ?? check.thresholds.map(({ name, limit }) => waiting(name, limit)),
    createdAt: check.createdAt.toISOString(),
    finishedAt: check.finishedAt?.toISOString() ?? null,
  };
}
