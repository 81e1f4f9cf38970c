import { Worker, type Job } from 'bullmq';
import { traceHostQueueName, type TraceJobPayload } from '../../../libs/contracts/src/index.js';
import type { CancelService } from './cancel.service.js';
import type { WorkerConfig } from './config.js';
import type { IncarnationService } from './incarnation.service.js';
import type { Logger } from './logger.js';
import { ATTACHED_PROGRESS, stalledOutError, takeover } from './lost-run.js';
import type { RedisConnection } from './redis.connection.js';
import type { RunReportRepository } from './run-report.repository.js';
import type { TraceService } from './trace.service.js';

/**
 * How BullMQ notices a lost agent. The lock of a run's job lives `LOCK_MS` unless its agent renews it (at least
 * every `LOCK_MS / 2` while the run goes on); every `STALLED_CHECK_MS` the agent's worker moves jobs whose lock is gone to
 * the queue again (and at start-up, so a restarted agent finds the runs its previous incarnation held). A run held
 * by a killed agent is taken again within about LOCK_MS + 2 × STALLED_CHECK_MS (20 s), not the 90 s of BullMQ's
 * defaults; 10 s is still far above any synchronous stretch of the agent's event loop (a BPF object load takes
 * milliseconds), and a lapsed lock of a run still going on here is recognised (see process).
 */
const LOCK_MS = 10_000;
const STALLED_CHECK_MS = 5_000;

/** A lost run is retried once: a second loss before attaching points at the run itself (e.g. it crashes the agent). */
const MAX_STALLS = 1;

/** Consumes this host's queue, `trace-host-<host>`; one BullMQ job is one run. */
export class TraceProcessor {
  private worker?: Worker<TraceJobPayload>;

  constructor(
    private readonly config: Pick<WorkerConfig, 'hostName' | 'queuePrefix' | 'concurrency'>,
    private readonly trace: TraceService,
    private readonly reports: RunReportRepository,
    private readonly redis: RedisConnection,
    private readonly cancels: CancelService,
    private readonly logger: Logger,
    private readonly incarnation: IncarnationService,
  ) {}

  /**
   * Reports the runs a previous incarnation of this agent left attached (see IncarnationService), then starts taking
   * runs, at most `concurrency` at once.
   */
  async start(): Promise<void> {
    const queue = traceHostQueueName(this.config.hostName);
    this.worker = new Worker<TraceJobPayload>(queue, (job) => this.process(job), {
      // Started below, once this worker's id (which begins each of its lock tokens) is recorded as the host's
      // incarnation and the previous incarnation's runs are reported.
      autorun: false,
      // BullMQ duplicates the shared connection for its blocking reads.
      connection: this.redis.client,
      prefix: this.config.queuePrefix,
      concurrency: this.config.concurrency,
      lockDuration: LOCK_MS,
      stalledInterval: STALLED_CHECK_MS,
      maxStalledCount: MAX_STALLS,
    });
    this.worker.on('failed', (job) => void (job && this.onFailed(job)));
    this.worker.on('error', (error) => this.logger.error(`queue ${queue}: ${error.message}`));
    await this.incarnation.takeOver(this.worker.id);
    this.worker.run().catch((error: Error) => this.logger.error(`queue ${queue}: the worker stopped: ${error.message}`));
    this.logger.info(`consuming ${queue}, ${this.config.concurrency} runs at once`);
  }

  /** Aborts the runs in progress with the shutdown as their reason. */
  abortRuns(): void {
    this.cancels.abortAll(new Error(`the agent on ${this.config.hostName} shut down during the run`));
  }

  /** Takes no more runs and waits for those in progress to report and finish. */
  async close(): Promise<void> {
    await this.worker?.close();
  }

  /**
   * The worker's processor: one call per run taken off the queue. Never throws for a run whose outcome was
   * reported (see {@link TraceService.execute}).
   */
  async process(job: Job<TraceJobPayload>): Promise<void> {
    const { runId } = job.data;
    if (this.cancels.holds(runId)) {
      // Its lock lapsed while it ran here (Redis unreachable, or a stalled event loop) and BullMQ queued it
      // again: the run goes on, and reports, in its first attempt.
      this.logger.warn(`run ${runId}: taken again while it still runs here; leaving it to its first attempt`);
      return;
    }
    const decision = takeover(job, this.config.hostName);
    if (decision.action === 'fail') {
      this.logger.warn(`run ${runId}: ${decision.error}`);
      await this.reports.send({ type: 'failed', runId, at: new Date().toISOString(), error: decision.error });
      return;
    }
    if (decision.retry) this.logger.info(`run ${runId}: retrying it, its agent was lost before attaching its probes`);
    // Aborted by a cancel request (RunCancelledError) or by shutdown; already aborted if the run
    // was cancelled while it waited in the queue.
    const signal = await this.cancels.begin(runId);
    try {
      await this.trace.execute(job.data, signal, () => job.updateProgress(ATTACHED_PROGRESS));
    } finally {
      this.cancels.end(runId);
    }
  }

  /** The worker's `failed` event: reports the runs BullMQ failed itself, those lost more often than retried. */
  async onFailed(job: Job<TraceJobPayload>): Promise<void> {
    const error = stalledOutError(job, this.config.hostName);
    if (!error) return;
    const { runId } = job.data;
    this.logger.warn(`run ${runId}: ${error}`);
    try {
      await this.reports.send({ type: 'failed', runId, at: new Date().toISOString(), error });
    } catch (err) {
      this.logger.error(`run ${runId}: could not report its loss: ${(err as Error).message}`);
    }
  }
}
