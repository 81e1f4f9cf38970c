import type { RunEnding } from '../../../libs/contracts/src/index.js';
import type { CancelRepository } from './cancel.repository.js';
import type { WorkerConfig } from './config.js';
import type { Logger } from './logger.js';

/** The abort reason of a run whose cancellation was requested (as opposed to the agent shutting down). */
export class RunCancelledError extends Error {
  constructor() {
    super('cancelled on request');
    this.name = 'RunCancelledError';
  }
}

/** The abort reason of a run asked to stop: its trace window ends now and it succeeds with what it saw. */
export class RunStoppedError extends Error {
  constructor() {
    super('stopped on request');
    this.name = 'RunStoppedError';
  }
}

/** The longest a run waits, before it starts, for the answer "was it cancelled already?". */
const START_CHECK_TIMEOUT_MS = 2000;

/**
 * Owns the AbortController of every run in progress on this agent and aborts it when the API asks to
 * cancel or stop it: a pub/sub nudge makes it read that run's key at once, and the durable keys are read
 * when a run starts, on every reconnection of the subscriber and every `cancelPollMs`, so a busy or
 * briefly disconnected agent still sees every request.
 */
export class CancelService {
  private readonly active = new Map<string, AbortController>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: Pick<WorkerConfig, 'cancelPollMs'>,
    private readonly cancels: CancelRepository,
    private readonly logger: Logger,
  ) {}

  /** Subscribes to this host's nudges and starts polling the keys of the runs in progress. */
  start(): void {
    this.cancels
      .subscribe(
        (runId) => {
          // Only runs held here can be ended here; the key of a queued run is read when it starts.
          if (this.active.has(runId)) void this.check([runId]);
        },
        () => void this.poll(),
      )
      .catch((error: Error) => this.logger.warn(`cancel channel: ${error.message}; relying on polling`));
    this.timer = setInterval(() => void this.poll(), this.config.cancelPollMs);
    this.timer.unref();
  }

  /** Stops polling and unsubscribes. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.cancels.close();
  }

  /**
   * Registers a run that is about to start and returns its signal, already aborted if the run was
   * cancelled or stopped while it waited in the queue. Call {@link end} when the run is over.
   */
  async begin(runId: string): Promise<AbortSignal> {
    const controller = new AbortController();
    this.active.set(runId, controller);
    await this.check([runId], START_CHECK_TIMEOUT_MS);
    return controller.signal;
  }

  end(runId: string): void {
    this.active.delete(runId);
  }

  /** Whether a run is in progress here (between {@link begin} and {@link end}). */
  holds(runId: string): boolean {
    return this.active.has(runId);
  }

  /** Aborts every run in progress with `reason` (agent shutdown). */
  abortAll(reason: Error): void {
    for (const controller of this.active.values()) controller.abort(reason);
  }

  /** Reads the end keys of all runs in progress and aborts those asked to end. */
  poll(): Promise<void> {
    return this.check([...this.active.keys()]);
  }

  private async check(runIds: string[], timeoutMs?: number): Promise<void> {
    if (runIds.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      const lookup = this.cancels.endingsAmong(runIds);
      lookup.catch(() => {}); // a late failure after the timeout must not become an unhandled rejection
      const endings = timeoutMs
        ? await Promise.race([
            lookup,
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
            }),
          ])
        : await lookup;
      for (const [runId, ending] of endings) this.abortRun(runId, ending);
    } catch (error) {
      // Not fatal: the next poll reads the keys again.
      this.logger.warn(`reading end requests: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  private abortRun(runId: string, ending: RunEnding): void {
    const controller = this.active.get(runId);
    if (!controller || controller.signal.aborted) return;
    this.logger.info(`run ${runId}: ${ending} requested, ending it`);
    controller.abort(ending === 'stop' ? new RunStoppedError() : new RunCancelledError());
  }
}
