import { hostHeartbeatsKey, type HostHeartbeat } from '../../../libs/contracts/src/index.js';
import type { WorkerConfig } from './config.js';
import type { RedisConnection } from './redis.connection.js';

/** Writes this host's heartbeat into the fleet's heartbeat hash. */
export class HeartbeatRepository {
  private readonly key: string;

  constructor(
    config: Pick<WorkerConfig, 'queuePrefix'>,
    private readonly redis: RedisConnection,
  ) {
    this.key = hostHeartbeatsKey(config.queuePrefix);
  }

  async publish(heartbeat: HostHeartbeat): Promise<void> {
    await this.redis.client.hset(this.key, heartbeat.name, JSON.stringify(heartbeat));
  }
}
