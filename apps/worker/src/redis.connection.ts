import { Redis } from 'ioredis';
import type { WorkerConfig } from './config.js';
import type { AgentCredentials } from './credentials.js';

/** The agent's one shared Redis connection (heartbeats, results queue); BullMQ's worker opens its own blocking one. */
export class RedisConnection {
  // maxRetriesPerRequest null: BullMQ requires it, and an agent should wait out a Redis restart, not crash.
  readonly client: Redis;

  /** Logs in as this agent's own ACL user, whatever user the URL names. */
  constructor(config: Pick<WorkerConfig, 'redisUrl'>, credentials: Pick<AgentCredentials, 'redisUser' | 'redisPassword'>) {
    // ioredis prefers a URL's user and password to the options': drop them from the URL.
    const address = new URL(config.redisUrl);
    address.username = '';
    address.password = '';
    this.client = new Redis(address.toString(), {
      maxRetriesPerRequest: null,
      username: credentials.redisUser,
      password: credentials.redisPassword,
    });
  }

  /** Quits gracefully (pending replies first), or drops the connection when Redis does not answer. */
  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
