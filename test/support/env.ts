import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { AgentCredentialRepository, type AgentCredential } from '../../apps/api/src/repositories/agent-credential.repository.js';
import {
  reportJobIdPrefix,
  TRACE_RESULTS_QUEUE,
  type Capabilities,
  type HostHeartbeat,
  type RunMessage,
} from '../../libs/contracts/src/index.js';
import { signMessage } from '../../libs/contracts/src/signing.js';
import { createTestDatabase, sql, type TestDatabase } from './database.js';
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
  /** {@link fakeHeartbeat} under this env's prefix, for a host given an agent credential first (see {@link agent}). */
  heartbeat(name: string, caps?: Partial<Capabilities>, options?: Omit<FakeHeartbeatOptions, 'prefix'>): Promise<HostHeartbeat>;
  /** Host `name`'s agent credential, provisioned at the first call (as `agent-credentials provision` does). */
  agent(name: string): Promise<AgentCredential>;
  /**
   * Puts `message` on `trace-results` as the agent of `host` would (signed with its credential), by default the
   * host of the message's run; each call is a new BullMQ job.
   */
  report(message: RunMessage, host?: string): Promise<void>;
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
  const credentials = new AgentCredentialRepository({ redisUrl: testRedisUrl(), queuePrefix });
  const provisioned = new Map<string, Promise<AgentCredential>>();
  const agent = (name: string) => {
    let credential = provisioned.get(name);
    if (!credential) provisioned.set(name, (credential = credentials.provision(name)));
    return credential;
  };
  const queue = (name: string) => {
    let found = queues.get(name);
    if (!found) {
      const connection = createRedis();
      connections.push(connection);
      found = new Queue(name, { connection, prefix: queuePrefix });
      found.on('error', () => {});
      queues.set(name, found);
    }
    return found;
  };
  return {
    databaseUrl: database.url,
    redisUrl: testRedisUrl(),
    queuePrefix,
    dataDir,
    redis,
    database,
    async heartbeat(name, caps, options) {
      await agent(name);
      return fakeHeartbeat(redis, name, caps, { ...options, prefix: queuePrefix });
    },
    agent,
    async report(message, host) {
      const signer =
        host ?? (await sql<{ host: string }>(database.url, 'SELECT host FROM runs WHERE id = $1', [message.runId]))[0]?.host;
      if (!signer) throw new Error(`report: run ${message.runId} has no host; name the signer`);
      const { signingKey } = await agent(signer);
      await queue(TRACE_RESULTS_QUEUE).add(message.type, signMessage(message, signer, signingKey), {
        jobId: `${reportJobIdPrefix(signer)}${message.runId}-${message.type}-${randomBytes(4).toString('hex')}`,
      });
    },
    queue,
    async close() {
      // Every step runs even if an earlier one fails, so one broken suite does not leak the next one's state.
      const steps: (() => Promise<unknown> | void)[] = [
        ...[...queues.values()].map((queue) => () => queue.close()),
        ...connections.map((connection) => () => connection.disconnect()),
        () => credentials.onApplicationShutdown(),
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
