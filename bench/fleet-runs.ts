/**
 * What the fleet sections learn about runs: their status changes as Postgres writes them (the bench trigger, see
 * fleet-services.ts), each run's BullMQ job on its host's queue, and the run as the API answers it.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { reportJobIdPrefix, TRACE_RESULTS_QUEUE, traceHostQueueName, type RunMessage } from '../libs/contracts/src/index.js';
import { listenRunEvents, type RunEvent } from './fleet-services.js';

/** Every run status change Postgres wrote since `start`, by run, with a way to wait for them. */
export class RunEvents {
  private readonly seen = new Map<string, Map<string, number>>();
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private listener?: { close(): Promise<void> };

  async start(databaseUrl: string): Promise<void> {
    this.listener = await listenRunEvents(databaseUrl, (event: RunEvent) => {
      let statuses = this.seen.get(event.runId);
      if (!statuses) this.seen.set(event.runId, (statuses = new Map()));
      if (!statuses.has(event.status)) statuses.set(event.status, event.at);
      for (const listener of this.listeners) listener(event);
    });
  }

  /** When Postgres wrote `status` for the run (epoch ms), if it has. */
  at(runId: string, status: string): number | undefined {
    return this.seen.get(runId)?.get(status);
  }

  /** Resolves with the first of `statuses` the run reached; rejects after `timeoutMs`. */
  async waitFor(runId: string, statuses: readonly string[], timeoutMs: number): Promise<string> {
    await this.waitForAll([runId], statuses, timeoutMs);
    return statuses.find((status) => this.at(runId, status) !== undefined)!;
  }

  /** Resolves once every run reached one of `statuses`; rejects after `timeoutMs` naming how many did not. */
  waitForAll(runIds: readonly string[], statuses: readonly string[], timeoutMs: number): Promise<void> {
    const reached = (id: string) => statuses.some((status) => this.at(id, status) !== undefined);
    const missing = new Set(runIds.filter((id) => !reached(id)));
    if (missing.size === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const listener = (event: RunEvent) => {
        if (!statuses.includes(event.status) || !missing.delete(event.runId) || missing.size > 0) return;
        this.listeners.delete(listener);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`${missing.size} of ${runIds.length} runs reached none of ${statuses.join(', ')} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }

  async close(): Promise<void> {
    await this.listener?.close();
  }
}

/** The timestamps BullMQ keeps on a run's job (epoch ms, from the clocks of the processes that wrote them). */
export interface QueuedJobTimes {
  /** When the API added it. */
  added: number;
  /** When the agent's worker moved it to active (took it). */
  taken: number;
}

/** Reads runs' BullMQ jobs from their host queues, one Queue object per host, all on one connection. */
export class TraceQueues {
  private readonly queues = new Map<string, Queue>();
  private results?: Queue;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async times(host: string, runId: string): Promise<QueuedJobTimes | undefined> {
    let queue = this.queues.get(host);
    if (!queue) this.queues.set(host, (queue = new Queue(traceHostQueueName(host), { connection: this.redis, prefix: this.prefix })));
    const job = await queue.getJob(runId);
    return job?.processedOn ? { added: job.timestamp, taken: job.processedOn } : undefined;
  }

  /**
   * When `host`'s agent added a run's report of `type` (not a chunk) to `trace-results`, and when the API's results
   * worker took it.
   */
  async reportTimes(host: string, runId: string, type: Exclude<RunMessage['type'], 'chunk'>): Promise<QueuedJobTimes | undefined> {
    this.results ??= new Queue(TRACE_RESULTS_QUEUE, { connection: this.redis, prefix: this.prefix });
    // The id RunReportRepository gives it: `<host>@` and runMessageKey's `<runId>-<type>`.
    const job = await this.results.getJob(`${reportJobIdPrefix(host)}${runId}-${type}`);
    return job?.processedOn ? { added: job.timestamp, taken: job.processedOn } : undefined;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values(), ...(this.results ? [this.results] : [])].map((queue) => queue.close()));
  }
}
