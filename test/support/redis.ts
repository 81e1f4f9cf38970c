import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import {
  agentHeartbeatKey,
  agentRedisUser,
  CAPABILITIES,
  type Capabilities,
  type HostHeartbeat,
} from '../../libs/contracts/src/index.js';

const DATA_DIR = process.env.BPFLEET_DATA_DIR ?? fileURLToPath(new URL('../../.data', import.meta.url));

/**
 * REDIS_URL (what `./dev.sh test` exports), else the local dev Redis with the password `./dev.sh` generated
 * (scripts/services.sh).
 */
export function testRedisUrl(): string {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  const file = join(DATA_DIR, 'redis.password');
  const password = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  return `redis://${password ? `:${password}@` : ''}127.0.0.1:6390`;
}

/** A BullMQ/heartbeat prefix no other suite uses, so suites sharing one Redis never see each other's keys. */
export function uniquePrefix(label = 'test'): string {
  return `bpft-${label.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 20)}-${randomBytes(4).toString('hex')}`;
}

export function createRedis(url = testRedisUrl()): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  // ioredis reconnects by itself; a suite that restarts Redis (test/faults) would otherwise print every attempt.
  redis.on('error', () => {});
  return redis;
}

/** Deletes every key under `prefix:` (queues, jobs, heartbeats) and the prefix's agent ACL users. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  const users = (await redis.call('ACL', 'USERS')) as string[];
  const agentUser = agentRedisUser(prefix, '');
  const gone = users.filter((name) => name.startsWith(agentUser));
  for (const user of gone) await redis.call('ACL', 'DELUSER', user);
  // Out of the ACL file too, where Redis has one (./dev.sh's), so test users do not pile up in it.
  if (gone.length > 0) await redis.call('ACL', 'SAVE').catch(() => {});
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
 * Beats for `name` as its agent would, without one: writes a {@link HostHeartbeat} into the host's heartbeat key
 * (see agentHeartbeatKey in libs/contracts). The API reads it only for a host with an agent credential
 * (TestEnv.heartbeat provisions one). `caps` defaults to every capability.
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
  await redis.set(agentHeartbeatKey(options.prefix ?? 'bpfleet', name), JSON.stringify(beat));
  return beat;
}
