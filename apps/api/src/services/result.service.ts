import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MAX_CHUNK_ROWS, type RunMessage, type ToolResult } from '../../../../libs/contracts/src/index.js';
import { QueueRepository, RetryLaterError } from '../repositories/queue.repository.js';
import { RunEventRepository } from '../repositories/run-event.repository.js';
import { RunRepository } from '../repositories/run.repository.js';
import { AgentMessageVerifier } from './agent-message.verifier.js';
import { isUuid } from '../utils/cursor.js';
import { CheckService } from './check.service.js';
import { RunEventService } from './run-event.service.js';

/**
 * How long the end of a run waits for its streamed rows before it is stored without the missing ones: a chunk
 * is only ever missing for good when the agent gave it up (and counted its rows dropped).
 */
const ROWS_WAIT_MS = 10 * 60_000;

const RESULT_KINDS = new Set(['events', 'counts', 'histogram', 'stacks']);

/**
 * The results processor: stores what agents report on the durable `trace-results` queue. Every
 * message is applied idempotently, so a redelivery (or a message that waited while the API was down)
 * is harmless.
 */
@Injectable()
export class ResultService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ResultService.name);

  constructor(
    private readonly queueRepository: QueueRepository,
    private readonly runRepository: RunRepository,
    private readonly checkService: CheckService,
    private readonly verifier: AgentMessageVerifier,
    private readonly runEventRepository: RunEventRepository,
    private readonly runEventService: RunEventService,
  ) {}

  onApplicationBootstrap(): void {
    this.queueRepository.startResultsWorker((message) => this.handle(message));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queueRepository.stopResultsWorker();
  }

  async handle(message: RunMessage): Promise<void> {
    // Only what the agent of the run's host signed is applied (AgentMessageVerifier logs the rest).
    const accepted = await this.verifier.accepts(message).catch((error: Error) => {
      throw new RetryLaterError(error.message);
    });
    if (!accepted) return;
    const problem = checkMessage(message);
    if (problem) {
      // Retrying cannot fix a malformed message: log it and let it go.
      this.logger.error(`dropping malformed run message: ${problem}`);
      return;
    }
    const at = parseTime(message.at);
    try {
      let changed: boolean;
      switch (message.type) {
        case 'running':
          changed = await this.runRepository.markRunning(message.runId, at);
          break;
        case 'succeeded':
          await this.awaitRows(message.runId, message.result, at);
          changed = await this.runRepository.storeSuccess(message.runId, at, message.result, message.stats ?? {});
          break;
        case 'failed':
          changed = await this.runRepository.markFailed(message.runId, at, message.error, message.stats);
          break;
        case 'cancelled':
          await this.awaitRows(message.runId, message.result, at);
          changed = await this.runRepository.markCancelled(message.runId, at, message.result, message.stats);
          break;
        case 'chunk':
          changed = await this.runEventRepository.storeChunk(message.runId, message.seq, message.rows);
          break;
      }
      if (!changed) this.logger.debug(`run ${message.runId}: ${message.type} changed nothing (duplicate or stale)`);
      // A run ended: its job may have ended with it, and a check may be waiting on that job.
      else if (message.type !== 'running' && message.type !== 'chunk') void this.checkService.judgeReady();
    } catch (error) {
      if (isTransient(error)) throw new RetryLaterError((error as Error).message);
      throw error;
    }
  }

  /**
   * A run's end is stored only once all the rows it streamed are (they were queued before it, but workers take
   * messages in parallel and a retried one comes later): whoever sees the run finished can read every row.
   * Throws RetryLaterError meanwhile. After ROWS_WAIT_MS the missing chunks are recorded as empty (readers stop
   * waiting for them) and the result's note says so.
   */
  private async awaitRows(runId: string, result: ToolResult | undefined, sentAt: Date): Promise<void> {
    if (result?.kind !== 'events' || result.chunks === undefined) return;
    if (await this.runEventService.hasAllChunks(runId, result.chunks)) return;
    if (Date.now() - sentAt.getTime() < ROWS_WAIT_MS) throw new RetryLaterError(`run ${runId}: waiting for its ${result.chunks} chunks of rows`);
    const missing = await this.runEventRepository.giveUpMissingChunks(runId, result.chunks);
    const why = `${missing} of its ${result.chunks} chunks of rows never reached the API; their rows are not in the result`;
    this.logger.warn(`run ${runId}: ${why}`);
    result.note = result.note ? `${result.note}; ${why}` : why;
  }
}

function checkMessage(message: RunMessage): string | undefined {
  if (typeof message !== 'object' || message === null) return 'not an object';
  if (typeof message.runId !== 'string' || !isUuid(message.runId)) return 'runId is not a UUID';
  switch (message.type) {
    case 'running':
      return undefined;
    case 'succeeded':
      if (typeof message.result !== 'object' || message.result === null || !RESULT_KINDS.has(message.result.kind)) {
        return `run ${message.runId}: result has no known kind`;
      }
      return chunksProblem(message.runId, message.result);
    case 'failed':
      return typeof message.error === 'string' ? undefined : `run ${message.runId}: failed without an error`;
    case 'cancelled':
      if (message.result !== undefined && (typeof message.result !== 'object' || message.result === null || !RESULT_KINDS.has(message.result.kind))) {
        return `run ${message.runId}: partial result has no known kind`;
      }
      return message.result && chunksProblem(message.runId, message.result);
    case 'chunk':
      if (!Number.isSafeInteger(message.seq) || message.seq < 0) return `run ${message.runId}: chunk seq is not an integer >= 0`;
      if (!Array.isArray(message.rows) || message.rows.length > MAX_CHUNK_ROWS) {
        return `run ${message.runId}: chunk ${message.seq} rows are not an array of at most ${MAX_CHUNK_ROWS}`;
      }
      if (message.rows.some((row) => typeof row !== 'object' || row === null || Array.isArray(row))) {
        return `run ${message.runId}: chunk ${message.seq} has a row that is not a JSON object`;
      }
      return undefined;
    default:
      return `run ${(message as RunMessage).runId}: unknown type "${(message as { type: unknown }).type}"`;
  }
}

/** An events result says how many chunks carried its rows with a count, or not at all. */
function chunksProblem(runId: string, result: ToolResult): string | undefined {
  if (result.kind !== 'events' || result.chunks === undefined) return undefined;
  return Number.isSafeInteger(result.chunks) && result.chunks >= 0 ? undefined : `run ${runId}: result chunks is not an integer >= 0`;
}

/** The agent's time of the event; the API's clock when it is missing or absurd (in the future). */
function parseTime(value: string | undefined): Date {
  const parsed = value ? new Date(value) : undefined;
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.getTime() > Date.now() + 60_000) return new Date();
  return parsed;
}

/** Errors that say "the database is away", not "this message is bad". */
function isTransient(error: unknown): boolean {
  const code = (error as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (error as { code?: string }).code;
  if (!code) return true; // connection refused/terminated, pool timeouts: no SQLSTATE
  return /^(08|40|53|57P)/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code);
}
