import { Injectable } from '@nestjs/common';
import { HOST_HEARTBEATS_KEY, type HostHeartbeat } from '../../../libs/contracts/src/index.js';
import { RedisConnection } from './redis.connection.js';

@Injectable()
export class HeartbeatRepository {
  constructor(private readonly redis: RedisConnection) {}

  async publish(heartbeat: HostHeartbeat): Promise<void> {
    await this.redis.client.hset(HOST_HEARTBEATS_KEY, heartbeat.name, JSON.stringify(heartbeat));
  }
}
