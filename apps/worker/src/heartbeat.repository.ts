import { Inject, Injectable } from '@nestjs/common';
import { hostHeartbeatsKey, type HostHeartbeat } from '../../../libs/contracts/src/index.js';
import { WORKER_CONFIG, type WorkerConfig } from './config.js';
import { RedisConnection } from './redis.connection.js';

@Injectable()
export class HeartbeatRepository {
  private readonly key: string;

  constructor(@Inject(WORKER_CONFIG) config: WorkerConfig, private readonly redis: RedisConnection) {
    this.key = hostHeartbeatsKey(config.queuePrefix);
  }

  async publish(heartbeat: HostHeartbeat): Promise<void> {
    await this.redis.client.hset(this.key, heartbeat.name, JSON.stringify(heartbeat));
  }
}
