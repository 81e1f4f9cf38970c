import { Queue, type Job } from 'bullmq';
import {
  agentIncarnationKey,
  traceHostQueueName,
  type AgentIncarnation,
  type TraceJobPayload,
} from '../../../libs/contracts/src/index.js';
import type { WorkerConfig } from './config.js';
import type { RedisConnection } from './redis.connection.js';

/** This host's incarnation key and the runs its queue shows in progress (see agentIncarnationKey). */
export class IncarnationRepository {
  private readonly key: string;
  private readonly queueName: string;

  constructor(
    private readonly config: Pick<WorkerConfig, 'queuePrefix' | 'hostName'>,
    private readonly redis: RedisConnection,
  ) {
    this.key = agentIncarnationKey(config.queuePrefix, config.hostName);
    this.queueName = traceHostQueueName(config.hostName);
  }

  /** Records `current` as the host's agent and returns the one it replaces (undefined for the first, or unreadable). */
  async replace(current: AgentIncarnation): Promise<AgentIncarnation | undefined> {
    const previous = (await this.redis.client.set(this.key, JSON.stringify(current), 'GET')) as string | null;
    try {
      return previous ? (JSON.parse(previous) as AgentIncarnation) : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The runs this host's queue shows in progress (BullMQ `active`) whose holder is gone: their lock has lapsed, or
   * is held by the worker `workerId` (a BullMQ lock is `<workerId>:<n>`). A run locked by any other worker is left
   * alone: a second agent of the same name may be holding it.
   */
  async activeRunsHeldBy(workerId: string | undefined): Promise<Job<TraceJobPayload>[]> {
    const queue = new Queue<TraceJobPayload>(this.queueName, { connection: this.redis.client, prefix: this.config.queuePrefix });
    try {
      const active = await queue.getActive();
      if (active.length === 0) return [];
      const locks = await this.redis.client.mget(active.map((job) => `${this.config.queuePrefix}:${this.queueName}:${job.id}:lock`));
      return active.filter((_, i) => {
        const lock = locks[i];
        return lock === null || lock === undefined || (workerId !== undefined && lock.startsWith(`${workerId}:`));
      });
    } finally {
      await queue.close();
    }
  }
}
