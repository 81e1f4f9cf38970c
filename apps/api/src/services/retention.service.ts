import {
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../constants.js';
import { RetentionRepository } from '../repositories/retention.repository.js';
import { dayStart, RunEventRepository } from '../repositories/run-event.repository.js';
import { deriveJobStatus } from '../utils/job-status.js';

const DAY_MS = 24 * 3600 * 1000;
/** Jobs deleted per statement: a sweep after a long pause deletes many, in short transactions. */
const JOBS_PER_DELETE = 500;

/** What one sweep did. */
export interface RetentionSweep {
  /** The daily partitions dropped, oldest first. */
  droppedPartitions: string[];
  deletedJobs: number;
  /** Rows of tagged jobs' runs kept past their partition, deleted since their job is gone. */
  deletedKeptRows: number;
}

/**
 * BPFLEET_RETENTION_DAYS, applied every BPFLEET_RETENTION_INTERVAL_MS (and at start): the next days' partitions
 * are made, daily partitions that ended more than the retention ago are dropped whole (rows of tagged jobs moved
 * out first), and jobs created before it that are finished and untagged are deleted with their results. Tagged
 * jobs (baselines) stay, with their rows, until untagged. Each replica sweeps; they take turns on partitions.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionService.name);
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<RetentionSweep>;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly retentionRepository: RetentionRepository,
    private readonly runEventRepository: RunEventRepository,
  ) {}

  onApplicationBootstrap(): void {
    const sweep = () => void this.sweep().catch((error: Error) => this.logger.warn(`retention sweep: ${error.message}`));
    sweep();
    this.timer = setInterval(sweep, this.config.retentionIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One sweep as of `now` (the clock; tests pass a later one). A sweep asked for while one runs shares it. */
  sweep(now = new Date()): Promise<RetentionSweep> {
    this.sweeping ??= this.sweepOnce(now).finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  /** DELETE /v1/jobs/:id: 404 for an unknown job, 409 naming its status while a run is queued or running. */
  async deleteJob(jobId: string): Promise<void> {
    const outcome = await this.retentionRepository.deleteJob(jobId);
    if (!outcome.found) throw new NotFoundException(`job ${jobId} not found`);
    if (!outcome.deleted) {
      throw new ConflictException(`job ${jobId} has not finished (status: ${deriveJobStatus(outcome.statuses)}); cancel it first, or wait for it to end`);
    }
  }

  private async sweepOnce(now: Date): Promise<RetentionSweep> {
    await this.runEventRepository.ensurePartitions(now);
    const horizon = new Date(now.getTime() - this.config.retentionDays * DAY_MS);
    const droppedPartitions: string[] = [];
    for (const partition of await this.retentionRepository.dayPartitions()) {
      // A day is dropped once all of it is older than the horizon.
      if (partition.day.getTime() + DAY_MS > dayStart(horizon).getTime()) break;
      if (!(await this.retentionRepository.dropPartition(partition))) break;
      droppedPartitions.push(partition.name);
    }
    let deletedJobs = 0;
    for (;;) {
      const deleted = await this.retentionRepository.deleteOldJobs(horizon, JOBS_PER_DELETE);
      deletedJobs += deleted;
      if (deleted < JOBS_PER_DELETE) break;
    }
    const deletedKeptRows = await this.retentionRepository.deleteOrphanKeptRows();
    if (droppedPartitions.length > 0 || deletedJobs > 0 || deletedKeptRows > 0) {
      this.logger.log(`retention (${this.config.retentionDays} days): dropped ${droppedPartitions.join(', ') || 'no partition'}, deleted ${deletedJobs} jobs and ${deletedKeptRows} kept rows`);
    }
    return { droppedPartitions, deletedJobs, deletedKeptRows };
  }
}
