import {
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ToolResult } from '../../../../libs/contracts/src/index.js';
import { exportResult, UnsupportedExportError, type ExportedFile, type ExportFormat } from '../../../../libs/results/src/export/index.js';
import { invalidField } from '../utils/errors.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../constants.js';
import { JobRepository } from '../repositories/job.repository.js';
import { QueueRepository } from '../repositories/queue.repository.js';
import { RunRepository, type ReapedRun } from '../repositories/run.repository.js';
import type { RunEntity } from '../entities/run.entity.js';
import { HostService } from './host.service.js';
import { RunEventService, type JsonText, type RowPaging, type StreamedFile } from './run-event.service.js';

@Injectable()
export class RunService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RunService.name);
  private timer?: NodeJS.Timeout;
  private reaping?: Promise<ReapedRun[]>;
  private expiring?: Promise<number>;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly runRepository: RunRepository,
    private readonly hostService: HostService,
    private readonly jobRepository: JobRepository,
    private readonly queueRepository: QueueRepository,
    private readonly runEventService: RunEventService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      void this.reap().catch(() => {});
      void this.expireOverdue().catch(() => {});
    }, this.config.reaperIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * The stored result; for events, one page of its rows as JSON text (see RunEventService.page), also while the run
   * still streams them. `limit` and `cursor` page events only: for another kind they are a 400 naming them.
   */
  async getResult(id: string, paging: RowPaging = {}): Promise<ToolResult | JsonText> {
    const { run, result } = await this.stored(id, true);
    if (result?.kind === 'events' || result === undefined) return this.runEventService.page(id, result, paging);
    for (const field of ['limit', 'cursor'] as const) {
      if (paging[field] !== undefined) throw invalidField(field, `pages the rows of events results; run ${run.id} has a ${result.kind} result`);
    }
    return result;
  }

  /**
   * The result as a file of `format`; 400 naming `format` when the result's kind has no such export. A streamed
   * events result is exported as a stream (csv, ndjson).
   */
  async exportResult(id: string, format: ExportFormat): Promise<ExportedFile | StreamedFile> {
    const { run, result } = await this.stored(id, false);
    const name = `${run.host}-${id}`;
    if (result!.kind === 'events' && result!.chunks !== undefined && (format === 'csv' || format === 'ndjson')) {
      return this.runEventService.export(id, result!, format, name);
    }
    try {
      return exportResult(result!, format, { name });
    } catch (error) {
      if (error instanceof UnsupportedExportError) throw invalidField('format', error.message);
      throw error;
    }
  }

  /**
   * The run and its stored result; 404 for an unknown run, and for one without a result unless `inProgress` and it
   * has streamed rows (result then undefined).
   */
  private async stored(id: string, inProgress: boolean): Promise<{ run: RunEntity; result?: ToolResult }> {
    const run = await this.runRepository.getById(id);
    if (!run) throw new NotFoundException(`run ${id} not found`);
    const stored = await this.runRepository.getResult(id);
    if (stored) return { run, result: stored.result };
    if (inProgress && (await this.runEventService.hasRows(id))) return { run };
    const why = run.status === 'failed' && run.error ? `: ${run.error}` : '';
    throw new NotFoundException(`run ${id} has no result yet (status: ${run.status}${why})`);
  }

  /**
   * Ends `expired` every run still queued after its job's dispatchTimeoutSec (its host never came back), once it
   * is off its queue, so no agent runs it later. A run an agent has just taken is left to that agent.
   */
  expireOverdue(): Promise<number> {
    this.expiring ??= (async () => {
      let expired = 0;
      try {
        for (const run of await this.jobRepository.overdueQueuedRuns()) {
          if (!(await this.queueRepository.removeQueuedTrace(run.host, run.id))) continue;
          const reason = `still queued after dispatchTimeoutSec (${run.dispatchTimeoutSec} s): the agent of ${run.host} did not take it`;
          if (await this.jobRepository.expireRun(run.jobId, run.id, reason)) {
            expired++;
            this.logger.warn(`run ${run.id} on ${run.host} expired`);
          }
        }
        return expired;
      } catch (error) {
        this.logger.warn(`expiring runs: ${(error as Error).message}`);
        throw error;
      } finally {
        this.expiring = undefined;
      }
    })();
    return this.expiring;
  }

  /**
   * Agents never talk to Postgres, so when one dies mid-run nobody else will end its runs: fail every
   * running run whose host stopped heartbeating or that outlived its duration plus a grace period.
   * Host liveness is only judged while the API's own heartbeat sync works; otherwise a Redis outage
   * would look like the whole fleet dying.
   */
  reap(): Promise<ReapedRun[]> {
    this.reaping ??= (async () => {
      try {
        const reaped = await this.runRepository.reap(
          this.config.hostOfflineSec,
          this.config.runGraceSec,
          this.hostService.isHeartbeatViewFresh(),
        );
        for (const run of reaped) this.logger.warn(`run ${run.id} on ${run.host} failed: ${run.error}`);
        return reaped;
      } catch (error) {
        this.logger.warn(`reaper: ${(error as Error).message}`);
        throw error;
      } finally {
        this.reaping = undefined;
      }
    })();
    return this.reaping;
  }
}
