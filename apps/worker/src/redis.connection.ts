import { Redis } from 'ioredis';
import type { WorkerConfig } from './config.js';

/** The agent's one shared Redis connection (heartbeats, results queue); BullMQ's worker opens its own blocking one. */
export class RedisConnection {
  // maxRetriesPerRequest null: BullMQ requires it, and an agent should wait out a Redis restart, not crash.
  readonly client: Redis;

  constructor(config: Pick<WorkerConfig, 'redisUrl'>) {
    this.client = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  }

  /** Quits gracefully (pending replies first), or drops the connection when Redis does not answer. */
  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
