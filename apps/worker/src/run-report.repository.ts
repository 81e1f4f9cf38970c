import { Queue } from 'bullmq';
import { reportJobIdPrefix, runMessageKey, TRACE_RESULTS_QUEUE, type RunMessage } from '../../../libs/contracts/src/index.js';
import type { WorkerConfig } from './config.js';
import type { MessageSigner } from './message-signer.js';
import type { RedisConnection } from './redis.connection.js';

/** Sends run status and results to the control plane over the durable `trace-results` queue. */
export class RunReportRepository {
  private readonly queue: Queue<RunMessage>;
  private readonly jobIdPrefix: string;

  constructor(
    config: Pick<WorkerConfig, 'queuePrefix' | 'hostName'>,
    redis: RedisConnection,
    private readonly signer: MessageSigner,
  ) {
    this.queue = new Queue<RunMessage>(TRACE_RESULTS_QUEUE, { connection: redis.client, prefix: config.queuePrefix });
    this.jobIdPrefix = reportJobIdPrefix(config.hostName);
  }

  /**
   * The message's BullMQ id is `<host>@<runId>-<type>` (`-chunk-<seq>` for chunks: runMessageKey; BullMQ forbids `:` in ids; the agent's ACL covers only ids
   * beginning with its host), so a message sent twice (a retry after a network error) is stored once; the API's
   * ingest is idempotent too. Signed with this host's key: the API applies nothing else.
   */
  async send(message: RunMessage): Promise<void> {
    await this.queue.add(message.type, this.signer.sign(message), {
      jobId: `${this.jobIdPrefix}${runMessageKey(message)}`,
      attempts: 10,
      backoff: { type: 'exponential', delay: 1000 },
      // A stored chunk is in Postgres: an hour of a flood's chunks would hold hundreds of MB of Redis.
      removeOnComplete: message.type === 'chunk' ? true : { age: 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
