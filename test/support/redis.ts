import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { CAPABILITIES, type Capabilities, type HostHeartbeat } from '../../libs/contracts/src/index.js';

/** REDIS_URL (what `./dev.sh test` exports), else the local dev Redis. */
export function testRedisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6390';
}

/** A BullMQ/heartbeat prefix no other suite uses, so suites sharing one Redis never see each other's keys. */
export function uniquePrefix(label = 'test'): string {
  return `bpft-${label.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 20)}-${randomBytes(4).toString('hex')}`;
}

export function createRedis(url = testRedisUrl()): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** Deletes every key under `prefix:` (queues, jobs, heartbeats). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Every capability true, or only the listed ones. */
export function capabilities(only?: Partial<Capabilities>): Capabilities {
  return Object.fromEntries(CAPABILITIES.map((name) => [name, only ? only[name] === true : true])) as Capabilities;
}

export interface FakeHeartbeatOptions {
  /** The fleet prefix the API under test uses (BPFLEET_QUEUE_PREFIX). Default `bpfleet`. */
  prefix?: string;
  labels?: Record<string, string>;
  kernel?: string;
  /** Time of the heartbeat; default now. */
  at?: Date;
}

/**
 * Registers `name` as an agent would, without one: writes a {@link HostHeartbeat} into the prefix's
 * heartbeat hash (`<prefix>:host-heartbeats`, see hostHeartbeatsKey in libs/contracts).
 * `caps` defaults to every capability.
 */
export async function fakeHeartbeat(
  redis: Redis,
  name: string,
  caps: Partial<Capabilities> | Capabilities = capabilities(),
  options: FakeHeartbeatOptions = {},
): Promise<HostHeartbeat> {
  const beat: HostHeartbeat = {
    name,
    labels: options.labels ?? {},
    kernel: options.kernel ?? '6.8.0-test',
    capabilities: capabilities(caps),
    agentVersion: 'fake',
    at: (options.at ?? new Date()).toISOString(),
  };
  await redis.hset(`${options.prefix ?? 'bpfleet'}:host-heartbeats`, name, JSON.stringify(beat));
  return beat;
}
