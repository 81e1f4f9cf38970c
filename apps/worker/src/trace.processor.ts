import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { traceHostQueueName, type TraceJobPayload } from '../../../libs/contracts/src/index.js';
import { CancelService } from './cancel.service.js';
import { WORKER_CONFIG, type WorkerConfig } from './config.js';
import { RedisConnection } from './redis.connection.js';
import { RunReportRepository } from './run-report.repository.js';
import { TraceService } from './trace.service.js';

/** Consumes this host's queue, `trace-host-<host>`; one BullMQ job is one run. */
@Injectable()
export class TraceProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TraceProcessor.name);
  private worker?: Worker<TraceJobPayload>;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly trace: TraceService,
    private readonly reports: RunReportRepository,
    private readonly redis: RedisConnection,
    private readonly cancels: CancelService,
  ) {}

  onApplicationBootstrap(): void {
    const queue = traceHostQueueName(this.config.hostName);
    this.worker = new Worker<TraceJobPayload>(queue, (job) => this.process(job), {
      // BullMQ duplicates the shared connection for its blocking reads.
      connection: this.redis.client,
      prefix: this.config.queuePrefix,
      concurrency: this.config.concurrency,
      // A run interrupted by an agent crash cannot be resumed (its kernel state is gone):
      // fail it on the first stall instead of running it again from the start.
      maxStalledCount: 0,
    });
    this.worker.on('stalled', (runId) => void this.reportStalled(runId));
    this.worker.on('error', (error) => this.logger.error(`queue ${queue}: ${error.message}`));
    this.logger.log(`consuming ${queue}`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.cancels.abortAll(new Error(`the agent on ${this.config.hostName} shut down during the run`));
    await this.worker?.close();
  }

  private async process(job: Job<TraceJobPayload>): Promise<void> {
    // Aborted by a cancel request (RunCancelledError) or by shutdown; already aborted if the run
    // was cancelled while it waited in the queue.
    const signal = await this.cancels.begin(job.data.runId);
    try {
      await this.trace.execute(job.data, signal);
    } finally {
      this.cancels.end(job.data.runId);
    }
  }

  private async reportStalled(runId: string): Promise<void> {
    const error = `the agent on ${this.config.hostName} stopped during the run (the run cannot be resumed)`;
    try {
      await this.reports.send({ type: 'failed', runId, at: new Date().toISOString(), error });
    } catch (err) {
      this.logger.error(`run ${runId}: could not report the stall: ${(err as Error).message}`);
    }
  }
}
