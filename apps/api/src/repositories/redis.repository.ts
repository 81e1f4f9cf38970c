import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { ApiConfig } from '../config.js';
import {
  agentCredentialsKey,
  agentHeartbeatKey,
  hostCancelChannel,
  runCancelKey,
  type RunEnding,
} from '../../../../libs/contracts/src/index.js';
import { API_CONFIG } from '../constants.js';

/** Owns the API's plain Redis connection (heartbeats, health); BullMQ connections live in QueueRepository. */
@Injectable()
export class RedisRepository implements OnApplicationShutdown {
  private readonly client: Redis;

  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {
    // Fail fast instead of queueing commands while Redis is away: callers decide what to do.
    this.client = new Redis(config.redisUrl, {
      lazyConnect: false,
      enableOfflineQueue: true,
      maxRetriesPerRequest: 1,
      connectionName: 'bpfleet-api',
    });
    this.client.on('error', () => {
      /* reported through ping() and failing calls; ioredis reconnects by itself */
    });
  }

  /** The connection itself, for the rate limiter's shared counters (they must be one store across replicas). */
  get connection(): Redis {
    return this.client;
  }

  /**
   * Raw heartbeat values by host name, as the agents wrote them, of every host with an agent credential (each
   * agent writes its own key, `<prefix>:agent:<host>:heartbeat`: the only heartbeat its Redis user may write).
   */
  async readHeartbeats(): Promise<Record<string, string>> {
    return this.readHeartbeatsOf(await this.client.hkeys(agentCredentialsKey(this.config.queuePrefix)));
  }

  /** The raw heartbeats of these hosts only (one MGET), by name; a host that never beat is absent. */
  async readHeartbeatsOf(names: readonly string[]): Promise<Record<string, string>> {
    if (names.length === 0) return {};
    const values = await this.client.mget(names.map((name) => agentHeartbeatKey(this.config.queuePrefix, name)));
    const beats: Record<string, string> = {};
    names.forEach((name, i) => {
      const value = values[i];
      if (value !== null && value !== undefined) beats[name] = value;
    });
    return beats;
  }

  /**
   * Asks the agents of these runs to end them (`cancel` or `stop`, see RunEnding): sets each run's durable
   * key (which an agent checks before starting a run and polls while running it, so a missed nudge only
   * delays the end) and then nudges each host's channel. A stop never overrides a cancel already asked for.
   * Keys expire after `ttlSec`, when no agent can hold the run any more.
   */
  async requestEnd(
    runs: readonly { id: string; host: string }[],
    ending: RunEnding,
    ttlSec: number,
    timeoutMs = 5000,
  ): Promise<void> {
    if (runs.length === 0) return;
    const keys = this.client.multi();
    for (const run of runs) {
      const key = runCancelKey(this.config.queuePrefix, run.host, run.id);
      if (ending === 'cancel') keys.set(key, ending, 'EX', ttlSec);
      else keys.set(key, ending, 'EX', ttlSec, 'NX');
    }
    // Keys first: an agent nudged before its key exists would find nothing to end.
    await withTimeout(keys.exec(), timeoutMs, 'redis end keys');
    const nudges = this.client.pipeline();
    for (const run of runs) nudges.publish(hostCancelChannel(this.config.queuePrefix, run.host), run.id);
    await withTimeout(nudges.exec(), timeoutMs, 'redis end nudge');
  }

  async ping(timeoutMs = 1000): Promise<void> {
    await withTimeout(this.client.ping(), timeoutMs, 'redis ping');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
