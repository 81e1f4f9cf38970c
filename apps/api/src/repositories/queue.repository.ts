import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import {
  TRACE_RESULTS_QUEUE,
  traceHostQueueName,
  type RunMessage,
  type TraceJobPayload,
} from '../../../../libs/contracts/src/index.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../constants.js';
import { withTimeout } from './redis.repository.js';

/** Thrown by a results handler when the message cannot be stored now but may be later (database away). */
export class RetryLaterError extends Error {}

const DAY_SEC = 24 * 3600;
const ENQUEUE_TIMEOUT_MS = 5000;
const RETRY_DELAY_MS = 2000;
/** BullMQ states of a job no agent has taken yet. */
const REMOVABLE_STATES: ReadonlySet<string> = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);

@Injectable()
export class QueueRepository implements OnApplicationShutdown {
  private readonly logger = new Logger(QueueRepository.name);
  private readonly queues = new Map<string, Queue>();
  private producer?: Redis;
  private worker?: Worker;
  private workerConnection?: Redis;

  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  /**
   * Adds one job per payload on its host's queue, with the run id as BullMQ job id (adding twice is
   * a no-op). Rejects if Redis does not take them within a few seconds.
   */
  async enqueueTraces(payloads: TraceJobPayload[]): Promise<void> {
    await withTimeout(
      Promise.all(
        payloads.map((payload) =>
          this.queue(traceHostQueueName(payload.host)).add('trace', payload, {
            jobId: payload.runId,
            // A trace is not idempotent (it would trace a different time window): never retried by BullMQ.
            attempts: 1,
            removeOnComplete: { age: DAY_SEC, count: 10_000 },
            removeOnFail: { age: 7 * DAY_SEC, count: 10_000 },
          }),
        ),
      ),
      ENQUEUE_TIMEOUT_MS,
      'enqueue on Redis',
    );
  }

  /**
   * Takes a run's trace job off its host's queue if no agent has taken it yet. Returns true when the
   * run can no longer start: it was waiting (or delayed) and is now removed, or its job is gone
   * altogether. Returns false when an agent holds it (active, locked: BullMQ refuses to remove it) or
   * has already finished it (its report is on the way): that agent decides the run's outcome.
   */
  async removeQueuedTrace(host: string, runId: string): Promise<boolean> {
    const queue = this.queue(traceHostQueueName(host));
    return withTimeout(
      (async () => {
        const state = await queue.getJobState(runId);
        if (state === 'unknown') return true;
        if (!REMOVABLE_STATES.has(state)) return false;
        // remove() answers 0 when the job is locked, i.e. an agent took it between the two calls.
        return (await queue.remove(runId)) === 1;
      })(),
      ENQUEUE_TIMEOUT_MS,
      'remove from the Redis queue',
    );
  }

  /**
   * Consumes `trace-results` with `handle`. When `handle` throws {@link RetryLaterError} the message is
   * put back (delayed) instead of failed, so nothing an agent reported is dropped while Postgres is away.
   */
  startResultsWorker(handle: (message: RunMessage) => Promise<void>): void {
    if (this.worker) return;
    this.workerConnection = new Redis(this.config.redisUrl, {
      maxRetriesPerRequest: null,
      connectionName: 'bpfleet-api-results',
    });
    this.workerConnection.on('error', () => {});
    this.worker = new Worker<RunMessage>(
      TRACE_RESULTS_QUEUE,
      async (job: Job<RunMessage>, token?: string) => {
        try {
          await handle(job.data);
        } catch (error) {
          if (error instanceof RetryLaterError) {
            await job.moveToDelayed(Date.now() + RETRY_DELAY_MS, token);
            throw new DelayedError();
          }
          throw error;
        }
      },
      {
        connection: this.workerConnection,
        prefix: this.config.queuePrefix,
        concurrency: 4,
        removeOnComplete: { age: DAY_SEC, count: 10_000 },
        removeOnFail: { age: 7 * DAY_SEC, count: 10_000 },
      },
    );
    this.worker.on('error', (error) => this.warnOnce(`results worker: ${error.message}`));
    this.worker.on('failed', (job, error) =>
      this.logger.error(`results message ${job?.id} could not be stored: ${error.message}`),
    );
  }

  async stopResultsWorker(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
    await this.workerConnection?.quit().catch(() => this.workerConnection?.disconnect());
    this.workerConnection = undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stopResultsWorker();
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
    await this.producer?.quit().catch(() => this.producer?.disconnect());
  }

  private lastWarning?: { message: string; at: number };

  /** While Redis is away BullMQ reports every reconnect attempt: log each distinct problem once a minute. */
  private warnOnce(message: string): void {
    const now = Date.now();
    if (this.lastWarning?.message === message && now - this.lastWarning.at < 60_000) return;
    this.lastWarning = { message, at: now };
    this.logger.warn(message);
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      // One connection for all host queues: a fleet of thousands must not mean thousands of sockets.
      if (!this.producer) {
        this.producer = new Redis(this.config.redisUrl, {
          maxRetriesPerRequest: 1,
          connectionName: 'bpfleet-api-producer',
        });
        this.producer.on('error', () => {});
      }
      queue = new Queue(name, { connection: this.producer, prefix: this.config.queuePrefix });
      queue.on('error', (error) => this.warnOnce(`queue ${name}: ${error.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }
}
