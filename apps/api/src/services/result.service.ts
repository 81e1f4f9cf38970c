import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { RunMessage } from '../../../../libs/contracts/src/index.js';
import { QueueRepository, RetryLaterError } from '../repositories/queue.repository.js';
import { RunRepository } from '../repositories/run.repository.js';
import { isUuid } from '../utils/cursor.js';
import { CheckService } from './check.service.js';

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
  ) {}

  onApplicationBootstrap(): void {
    this.queueRepository.startResultsWorker((message) => this.handle(message));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queueRepository.stopResultsWorker();
  }

  async handle(message: RunMessage): Promise<void> {
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
          changed = await this.runRepository.storeSuccess(message.runId, at, message.result, message.stats ?? {});
          break;
        case 'failed':
          changed = await this.runRepository.markFailed(message.runId, at, message.error, message.stats);
          break;
        case 'cancelled':
          changed = await this.runRepository.markCancelled(message.runId, at, message.result, message.stats);
          break;
      }
      if (!changed) this.logger.debug(`run ${message.runId}: ${message.type} changed nothing (duplicate or stale)`);
      // A run ended: its job may have ended with it, and a check may be waiting on that job.
      else if (message.type !== 'running') void this.checkService.judgeReady();
    } catch (error) {
      if (isTransient(error)) throw new RetryLaterError((error as Error).message);
      throw error;
    }
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
      return undefined;
    case 'failed':
      return typeof message.error === 'string' ? undefined : `run ${message.runId}: failed without an error`;
    case 'cancelled':
      if (message.result !== undefined && (typeof message.result !== 'object' || message.result === null || !RESULT_KINDS.has(message.result.kind))) {
        return `run ${message.runId}: partial result has no known kind`;
      }
      return undefined;
    default:
      return `run ${(message as RunMessage).runId}: unknown type "${(message as { type: unknown }).type}"`;
  }
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
