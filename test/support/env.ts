import { Queue } from 'bullmq';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Capabilities, HostHeartbeat } from '../../libs/contracts/src/index.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import {
  createRedis,
  deletePrefix,
  fakeHeartbeat,
  testRedisUrl,
  uniquePrefix,
  type FakeHeartbeatOptions,
} from './redis.js';

/** One suite's private world: a fresh migrated database, a unique Redis prefix, a temp data dir. */
export interface TestEnv {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  dataDir: string;
  redis: Redis;
  database: TestDatabase;
  /** {@link fakeHeartbeat} under this env's prefix. */
  heartbeat(name: string, caps?: Partial<Capabilities>, options?: Omit<FakeHeartbeatOptions, 'prefix'>): Promise<HostHeartbeat>;
  /** A BullMQ queue under this env's prefix (closed by `close()`). */
  queue(name: string): Queue;
  /** Drops the database, deletes the prefix's keys and the data dir. */
  close(): Promise<void>;
}

export async function createTestEnv(label = 'test'): Promise<TestEnv> {
  const database = await createTestDatabase({ label });
  const queuePrefix = uniquePrefix(label);
  const redis = createRedis();
  const dataDir = await mkdtemp(join(tmpdir(), 'bpfleet-test-'));
  const queues = new Map<string, Queue>();
  const connections: Redis[] = [];
  return {
    databaseUrl: database.url,
    redisUrl: testRedisUrl(),
    queuePrefix,
    dataDir,
    redis,
    database,
    heartbeat: (name, caps, options) => fakeHeartbeat(redis, name, caps, { ...options, prefix: queuePrefix }),
    queue(name) {
      let queue = queues.get(name);
      if (!queue) {
        const connection = createRedis();
        connections.push(connection);
        queue = new Queue(name, { connection, prefix: queuePrefix });
        queues.set(name, queue);
      }
      return queue;
    },
    async close() {
      for (const queue of queues.values()) await queue.close();
      for (const connection of connections) connection.disconnect();
      await deletePrefix(redis, queuePrefix);
      redis.disconnect();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
