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
      // Every step runs even if an earlier one fails, so one broken suite does not leak the next one's state.
      const steps: (() => Promise<unknown> | void)[] = [
        ...[...queues.values()].map((queue) => () => queue.close()),
        ...connections.map((connection) => () => connection.disconnect()),
        () => deletePrefix(redis, queuePrefix),
        () => redis.disconnect(),
        () => database.drop(),
        () => rm(dataDir, { recursive: true, force: true }),
      ];
      const errors: unknown[] = [];
      for (const step of steps) {
        try {
          await step();
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length > 0) throw new AggregateError(errors, 'test env cleanup failed');
    },
  };
}
