import { agentHeartbeatKey, type HostHeartbeat } from '../../../libs/contracts/src/index.js';
import type { WorkerConfig } from './config.js';
import type { RedisConnection } from './redis.connection.js';

/** Writes this host's heartbeat into its own key (`<prefix>:agent:<host>:heartbeat`), the only one its ACL allows. */
export class HeartbeatRepository {
  private readonly key: string;

  constructor(
    config: Pick<WorkerConfig, 'queuePrefix' | 'hostName'>,
    private readonly redis: RedisConnection,
  ) {
    this.key = agentHeartbeatKey(config.queuePrefix, config.hostName);
  }

  async publish(heartbeat: HostHeartbeat): Promise<void> {
    await this.redis.client.set(this.key, JSON.stringify(heartbeat));
  }
}
