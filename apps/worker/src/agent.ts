import { CancelRepository } from './cancel.repository.js';
import { CancelService } from './cancel.service.js';
import { CapabilityRepository } from './capability.repository.js';
import type { WorkerConfig } from './config.js';
import type { AgentCredentials } from './credentials.js';
import { HeartbeatRepository } from './heartbeat.repository.js';
import { HeartbeatService } from './heartbeat.service.js';
import { IncarnationRepository } from './incarnation.repository.js';
import { IncarnationService } from './incarnation.service.js';
import { loggerFor, type Logger } from './logger.js';
import { MessageSigner } from './message-signer.js';
import { RedisConnection } from './redis.connection.js';
import { RunReportRepository } from './run-report.repository.js';
import { ToolRunnerRepository } from './tool-runner.repository.js';
import { TraceProcessor } from './trace.processor.js';
import { TraceService } from './trace.service.js';

/**
 * The agent's composition root: every part constructed once, in dependency order, and its lifecycle in one
 * place. Starting: heartbeats (the host is online, with its labels and capabilities), the cancel subscription
 * (so no run starts deaf to a cancel), then the queue worker. Shutting down, in reverse: abort the runs in
 * progress, close the queue worker (it waits for those runs to report), unsubscribe, stop the heartbeats,
 * close the results queue, quit Redis.
 */
export class Agent {
  private readonly heartbeat: HeartbeatService;
  private readonly cancels: CancelService;
  private readonly processor: TraceProcessor;
  private readonly logger: Logger;
  /** The shutdown steps, run in reverse order of registration, each once. */
  private readonly steps = new AsyncDisposableStack();
  private stopping?: Promise<boolean>;

  constructor(config: WorkerConfig, credentials: AgentCredentials, rootLogger: Logger) {
    this.logger = loggerFor(rootLogger, Agent);
    const redis = new RedisConnection(config, credentials);
    const host = new CapabilityRepository(config);
    const reports = new RunReportRepository(config, redis, new MessageSigner(credentials));
    const cancelRequests = new CancelRepository(config, redis);
    this.heartbeat = new HeartbeatService(config, new HeartbeatRepository(config, redis), host, loggerFor(rootLogger, HeartbeatService));
    this.cancels = new CancelService(config, cancelRequests, loggerFor(rootLogger, CancelService));
    const trace = new TraceService(config, host, new ToolRunnerRepository(), reports, loggerFor(rootLogger, TraceService));
    const incarnation = new IncarnationService(config, new IncarnationRepository(config, redis), reports, loggerFor(rootLogger, IncarnationService));
    this.processor = new TraceProcessor(config, trace, reports, redis, this.cancels, loggerFor(rootLogger, TraceProcessor), incarnation);

    // Registered up front, so a shutdown during start-up (Redis not answering yet) still releases everything;
    // each step is harmless for a part that has not started.
    this.step('quit Redis', () => redis.close());
    this.step('close the results queue', () => reports.close());
    this.step('stop heartbeats', () => this.heartbeat.stop());
    this.step('unsubscribe from cancel requests', () => this.cancels.stop());
    this.step('close the queue worker', () => this.processor.close());
    this.step('abort the runs in progress', () => this.processor.abortRuns());
  }

  /** Starts the parts in order; a shutdown requested meanwhile stops it from starting the next part. */
  async start(): Promise<void> {
    await this.heartbeat.start();
    if (this.stopping) return;
    this.cancels.start();
    await this.processor.start();
  }

  /**
   * Runs every shutdown step once, in order, logging a failed step and going on with the next. Calling it
   * again returns the first call's outcome. Resolves true when every step succeeded.
   */
  shutdown(): Promise<boolean> {
    this.stopping ??= this.steps.disposeAsync().then(
      () => true,
      () => false,
    );
    return this.stopping;
  }

  private step(name: string, run: () => Promise<void> | void): void {
    this.steps.defer(async () => {
      try {
        await run();
      } catch (error) {
        this.logger.error(`shutdown: could not ${name}: ${(error as Error).message}`);
        throw error;
      }
    });
  }
}
