import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { ToolResult } from '../../../../libs/contracts/src/index.js';
import {
  compareSamples,
  differentialFolded,
  findOutliers,
  IncompatibleSamplesError,
  mergeSamples,
  UnknownColumnError,
  type Comparison,
  type OutlierReport,
  type Sample,
} from '../../../../libs/results/src/compare/index.js';
import type { CompareQueryDto } from '../dtos/compare.dto.js';
import { JobRepository } from '../repositories/job.repository.js';
import { RunRepository } from '../repositories/run.repository.js';
import { RunEventService } from './run-event.service.js';
import type { RunEntity } from '../entities/run.entity.js';
import { invalidField } from '../utils/errors.js';

/** What one side of a comparison is: a run, or a job whose succeeded runs are merged. */
export interface ComparisonSource {
  type: 'run' | 'job';
  id: string;
  jobId: string;
  tool: string;
  durationSec: number;
  hosts: string[];
  runIds: string[];
  /** Summed over the runs: what per-second rates are divided by. */
  tracedMs: number;
}

export interface LoadedSide {
  source: ComparisonSource;
  sample: Sample;
}

/**
 * Loads runs and jobs as comparison samples and compares them (the math is in libs/results, pure). Also
 * the baseline/candidate loading of checks, so a check and GET /v1/compare always see the same numbers.
 */
@Injectable()
export class CompareService {
  constructor(
    private readonly jobRepository: JobRepository,
    private readonly runRepository: RunRepository,
    private readonly runEventService: RunEventService,
  ) {}

  async compare(query: CompareQueryDto): Promise<{ comparison: Comparison; tool: string; sources: Record<'base' | 'target', ComparisonSource> }> {
    const base = await this.load(query.base, 'base');
    const target = await this.load(query.target, 'target');
    if (base.source.tool !== target.source.tool) {
      throw invalidField('target', `is a ${target.source.tool} result and base a ${base.source.tool} one: compare runs of the same tool`);
    }
    if (base.sample.result.kind !== target.sample.result.kind) {
      throw invalidField(
        'target',
        `is a ${target.sample.result.kind} result and base a ${base.sample.result.kind} one (different params of ${base.source.tool})`,
      );
    }
    try {
      const comparison = compareSamples(base.sample, target.sample, { by: query.by });
      return { comparison, tool: base.source.tool, sources: { base: base.source, target: target.source } };
    } catch (error: unknown) {
      if (error instanceof UnknownColumnError) throw invalidField('by', error.message);
      if (error instanceof IncompatibleSamplesError) throw invalidField('target', `cannot be compared with base: ${error.message}`);
      throw error;
    }
  }

  async folded(query: CompareQueryDto): Promise<string> {
    const base = await this.load(query.base, 'base');
    const target = await this.load(query.target, 'target');
    if (base.sample.result.kind !== 'stacks' || target.sample.result.kind !== 'stacks') {
      throw invalidField('format', `folded compares stacks results; base is ${base.sample.result.kind}, target ${target.sample.result.kind}`);
    }
    return differentialFolded(base.sample, target.sample);
  }

  async outliers(jobId: string): Promise<OutlierReport & { jobId: string; tool: string }> {
    const found = await this.jobRepository.getById(jobId);
    if (!found) throw new NotFoundException(`job ${jobId} not found`);
    const runs = await this.withRows(await this.runRepository.succeededWithResults(jobId));
    const report = findOutliers(
      runs.map(({ run, result }) => ({ host: run.host, sample: toSample(run, result, found.job.durationSec) })),
    );
    return { jobId, tool: found.job.tool, ...report };
  }

  /**
   * A run (by run id) or a job (by job id, its succeeded runs merged). `field` names the query parameter
   * in the errors: 404 when the id is neither, 409 when it has no result to compare yet.
   */
  async load(id: string, field: string): Promise<LoadedSide> {
    const run = await this.runRepository.getById(id);
    if (run) {
      const found = await this.jobRepository.getById(run.jobId);
      const stored = await this.runRepository.getResult(run.id);
      if (!found || !stored || run.status !== 'succeeded') {
        throw new ConflictException(`${field}: run ${id} has no result to compare (status: ${run.status})`);
      }
      const [{ result }] = await this.withRows([{ run, result: stored.result }]);
      const sample = toSample(run, result, found.job.durationSec);
      return { source: sourceOf('run', id, found.job.tool, found.job.durationSec, [run]), sample };
    }
    const found = await this.jobRepository.getById(id);
    if (!found) throw new NotFoundException(`${field}: no run or job has id ${id}`);
    const runs = await this.withRows(await this.runRepository.succeededWithResults(id));
    if (runs.length === 0) {
      throw new ConflictException(`${field}: job ${id} has no succeeded run to compare (status: ${found.job.status})`);
    }
    const sample = mergeSamples(runs.map(({ run, result }) => toSample(run, result, found.job.durationSec)));
    return {
      source: sourceOf('job', id, found.job.tool, found.job.durationSec, runs.map(({ run }) => run)),
      sample,
    };
  }

  /**
   * The results with an events result's streamed rows read back into `rows`: comparisons and thresholds count rows
   * by column. Held in memory, as a result with inline rows always was (a run has at most its maxEvents rows).
   */
  private withRows(runs: { run: RunEntity; result: ToolResult }[]): Promise<{ run: RunEntity; result: ToolResult }[]> {
    return Promise.all(
      runs.map(async ({ run, result }) => ({ run, result: result.kind === 'events' ? await this.runEventService.withRows(run.id, result) : result })),
    );
  }
}

function toSample(run: RunEntity, result: ToolResult, durationSec: number): Sample {
  // A run reported before stats carried tracedMs traced its whole duration.
  const overrunMs = typeof run.stats?.overrunMs === 'number' ? run.stats.overrunMs : 0;
  return { result, tracedMs: run.stats?.tracedMs ?? durationSec * 1000, durationSec, runs: 1, overrunMs };
}

function sourceOf(type: 'run' | 'job', id: string, tool: string, durationSec: number, runs: RunEntity[]): ComparisonSource {
  return {
    type,
    id,
    jobId: runs[0].jobId,
    tool,
    durationSec,
    hosts: runs.map((run) => run.host),
    runIds: runs.map((run) => run.id),
    tracedMs: runs.reduce((sum, run) => sum + (run.stats?.tracedMs ?? durationSec * 1000), 0),
  };
}
