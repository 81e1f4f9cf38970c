import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../constants.js';
import { withTimeout } from './redis.repository.js';

/** The BullMQ queue (under the API's queue prefix) holding one job scheduler per enabled schedule. */
export const SCHEDULES_QUEUE = 'schedules';

/** One tick of a schedule, as BullMQ delivers it to exactly one API replica (again only if that one died). */
export interface Firing {
  scheduleId: string;
  /** The BullMQ job id of this tick (`repeat:<scheduleId>:<ms>`): the same on every redelivery. */
  fireKey: string;
  /** The tick the firing belongs to, which is in the past when it is handled late. */
  dueAt: Date;
}

/** What BullMQ holds for one schedule. */
export interface SchedulerTimer {
  scheduleId: string;
  cron: string;
  timezone: string;
}

interface FiringData {
  scheduleId: string;
}

const DAY_SEC = 24 * 3600;
const REDIS_TIMEOUT_MS = 5000;
/**
 * A firing that failed for a reason other than the job's own (Postgres away) is retried: a redelivery
 * makes nothing twice, since the job is made once per fire key.
 */
const FIRING_ATTEMPTS = 4;
const FIRING_BACKOFF_MS = 2000;
const WORKER_CONCURRENCY = 4;

/**
 * The BullMQ side of schedules: one job scheduler per enabled schedule (scheduler id = schedule id), and a
 * worker in every API process turning each tick into a call of the firing handler. BullMQ keeps a single
 * next job per scheduler in Redis, so a tick is delivered to one replica only, schedulers outlive API
 * restarts, and ticks missed while no worker ran collapse into one overdue firing.
 */
@Injectable()
export class SchedulerRepository implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(SchedulerRepository.name);
  private queueConnection?: Redis;
  private queueInstance?: Queue<FiringData>;
  private worker?: Worker<FiringData>;
  private workerConnection?: Redis;
  private lastWarning?: { message: string; at: number };

  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  /**
   * Creates the schedule's scheduler, or changes its cron and zone; its next tick is recomputed from now.
   * Rejects when Redis does not answer within a few seconds.
   */
  async upsert(timer: SchedulerTimer): Promise<void> {
    await withTimeout(
      this.queue().upsertJobScheduler(
        timer.scheduleId,
        { pattern: timer.cron, tz: timer.timezone },
        {
          name: 'fire',
          data: { scheduleId: timer.scheduleId },
          opts: {
            attempts: FIRING_ATTEMPTS,
            backoff: { type: 'exponential', delay: FIRING_BACKOFF_MS },
            removeOnComplete: { age: DAY_SEC, count: 1000 },
            removeOnFail: { age: 7 * DAY_SEC, count: 1000 },
          },
        },
      ),
      REDIS_TIMEOUT_MS,
      'upsert the schedule timer on Redis',
    );
  }

  /** Removes the schedule's scheduler and its pending tick; removing one that does not exist is fine. */
  async remove(scheduleId: string): Promise<void> {
    await withTimeout(this.queue().removeJobScheduler(scheduleId), REDIS_TIMEOUT_MS, 'remove the schedule timer from Redis');
  }

  /** Every scheduler in Redis. */
  async list(): Promise<SchedulerTimer[]> {
    const schedulers = await withTimeout(this.queue().getJobSchedulers(0, -1), REDIS_TIMEOUT_MS, 'list the schedule timers on Redis');
    return schedulers.map((scheduler) => ({
      scheduleId: scheduler.key,
      cron: scheduler.pattern ?? '',
      timezone: scheduler.tz ?? '',
    }));
  }

  /**
   * Starts this process's worker on the schedules queue. `handle` throwing makes BullMQ retry the firing
   * later (a few times, backing off); it should throw only for failures a retry can fix.
   */
  startWorker(handle: (firing: Firing) => Promise<void>): void {
    if (this.worker) return;
    this.workerConnection = new Redis(this.config.redisUrl, {
      maxRetriesPerRequest: null,
      connectionName: 'bpfleet-api-schedules-worker',
    });
    this.workerConnection.on('error', () => {});
    this.worker = new Worker<FiringData>(
      SCHEDULES_QUEUE,
      (job: Job<FiringData>) =>
        handle({
          scheduleId: job.data.scheduleId,
          fireKey: job.id!,
          // BullMQ records the tick a scheduler's job was made for; a retried job keeps it.
          dueAt: new Date(job.opts.prevMillis ?? job.timestamp),
        }),
      {
        connection: this.workerConnection,
        prefix: this.config.queuePrefix,
        concurrency: WORKER_CONCURRENCY,
      },
    );
    this.worker.on('error', (error) => this.warnOnce(`schedules worker: ${error.message}`));
    this.worker.on('failed', (job, error) =>
      this.logger.error(`firing ${job?.id} failed (attempt ${job?.attemptsMade} of ${FIRING_ATTEMPTS}): ${error.message}`),
    );
  }

  /** Lets firings in progress finish while the database and Redis clients they use are still open. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.workerConnection?.quit().catch(() => this.workerConnection?.disconnect());
    await this.queueInstance?.close();
    await this.queueConnection?.quit().catch(() => this.queueConnection?.disconnect());
  }

  private queue(): Queue<FiringData> {
    if (!this.queueInstance) {
      // Fail fast while Redis is away: the caller answers 503 instead of hanging on a queued command.
      this.queueConnection = new Redis(this.config.redisUrl, {
        maxRetriesPerRequest: 1,
        connectionName: 'bpfleet-api-schedules',
      });
      this.queueConnection.on('error', () => {});
      this.queueInstance = new Queue<FiringData>(SCHEDULES_QUEUE, {
        connection: this.queueConnection,
        prefix: this.config.queuePrefix,
      });
      this.queueInstance.on('error', (error) => this.warnOnce(`schedules queue: ${error.message}`));
    }
    return this.queueInstance;
  }

  /** While Redis is away BullMQ reports every reconnect attempt: log each distinct problem once a minute. */
  private warnOnce(message: string): void {
    const now = Date.now();
    if (this.lastWarning?.message === message && now - this.lastWarning.at < 60_000) return;
    this.lastWarning = { message, at: now };
    this.logger.warn(message);
  }
}
