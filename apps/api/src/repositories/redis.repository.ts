import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { ApiConfig } from '../config.js';
import { hostHeartbeatsKey } from '../../../../libs/contracts/src/index.js';
import { API_CONFIG } from '../constants.js';

/** Owns the API's plain Redis connection (heartbeats, health); BullMQ connections live in QueueRepository. */
@Injectable()
export class RedisRepository implements OnApplicationShutdown {
  private readonly client: Redis;

  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {
    // Fail fast instead of queueing commands while Redis is away: callers decide what to do.
    this.client = new Redis(config.redisUrl, {
      lazyConnect: false,
      enableOfflineQueue: true,
      maxRetriesPerRequest: 1,
      connectionName: 'bpfleet-api',
    });
    this.client.on('error', () => {
      /* reported through ping() and failing calls; ioredis reconnects by itself */
    });
  }

  /** Raw heartbeat values by host name, as the agents wrote them. */
  readHeartbeats(): Promise<Record<string, string>> {
    return this.client.hgetall(hostHeartbeatsKey(this.config.queuePrefix));
  }

  async ping(timeoutMs = 1000): Promise<void> {
    await withTimeout(this.client.ping(), timeoutMs, 'redis ping');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
