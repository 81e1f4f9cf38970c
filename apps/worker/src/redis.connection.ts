import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { WORKER_CONFIG, type WorkerConfig } from './config.js';

/** The agent's one shared Redis connection (heartbeats, results queue); BullMQ's worker opens its own blocking one. */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  // maxRetriesPerRequest null: BullMQ requires it, and an agent should wait out a Redis restart, not crash.
  readonly client: Redis;

  constructor(@Inject(WORKER_CONFIG) config: WorkerConfig) {
    this.client = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
