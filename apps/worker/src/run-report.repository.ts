import { Queue } from 'bullmq';
import { TRACE_RESULTS_QUEUE, type RunMessage } from '../../../libs/contracts/src/index.js';
import type { WorkerConfig } from './config.js';
import type { RedisConnection } from './redis.connection.js';

/** Sends run status and results to the control plane over the durable `trace-results` queue. */
export class RunReportRepository {
  private readonly queue: Queue<RunMessage>;

  constructor(config: Pick<WorkerConfig, 'queuePrefix'>, redis: RedisConnection) {
    this.queue = new Queue<RunMessage>(TRACE_RESULTS_QUEUE, { connection: redis.client, prefix: config.queuePrefix });
  }

  /**
   * The message's BullMQ id is `<runId>-<type>` (BullMQ forbids `:` in ids), so a message sent twice (a retry after a
   * network error) is stored once; the API's ingest is idempotent too.
   */
  async send(message: RunMessage): Promise<void> {
    await this.queue.add(message.type, message, {
      jobId: `${message.runId}-${message.type}`,
      attempts: 10,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
