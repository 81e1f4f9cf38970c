import type { Redis } from 'ioredis';
import { hostCancelChannel, parseRunEnding, runCancelKey, type RunEnding } from '../../../libs/contracts/src/index.js';
import type { WorkerConfig } from './config.js';
import type { RedisConnection } from './redis.connection.js';

/**
 * Reads the end requests (cancel or stop) the API leaves in Redis for this host's runs: the durable per-run keys and
 * the host's pub/sub channel of nudges (see runCancelKey / hostCancelChannel in libs/contracts).
 */
export class CancelRepository {
  private subscriber?: Redis;

  constructor(
    private readonly config: Pick<WorkerConfig, 'queuePrefix' | 'hostName'>,
    private readonly redis: RedisConnection,
  ) {}

  /**
   * Calls `onRunId` for each nudge on this host's channel, and `onReady` on every (re)connection of the
   * subscriber: nudges published while it was disconnected are lost, so the caller re-reads the keys.
   * Uses its own connection, since a subscribed Redis connection can do nothing else.
   */
  async subscribe(onRunId: (runId: string) => void, onReady: () => void): Promise<void> {
    if (this.subscriber) return;
    const channel = hostCancelChannel(this.config.queuePrefix, this.config.hostName);
    this.subscriber = this.redis.client.duplicate({ connectionName: `bpfleet-agent-cancel-${this.config.hostName}` });
    this.subscriber.on('error', () => {
      /* ioredis reconnects by itself; the cancel keys are polled meanwhile */
    });
    this.subscriber.on('message', (from: string, runId: string) => {
      if (from === channel) onRunId(runId);
    });
    this.subscriber.on('ready', onReady);
    await this.subscriber.subscribe(channel);
  }

  /** The ending asked for each of these runs that has one (cancel or stop). */
  async endingsAmong(runIds: readonly string[]): Promise<Map<string, RunEnding>> {
    if (runIds.length === 0) return new Map();
    const values = await this.redis.client.mget(runIds.map((id) => runCancelKey(this.config.queuePrefix, this.config.hostName, id)));
    const endings = new Map<string, RunEnding>();
    runIds.forEach((id, i) => {
      const value = values[i];
      if (value !== null && value !== undefined) endings.set(id, parseRunEnding(value));
    });
    return endings;
  }

  /** Unsubscribes and closes the subscriber's connection; a later {@link subscribe} opens a new one. */
  async close(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
    this.subscriber = undefined;
  }
}
