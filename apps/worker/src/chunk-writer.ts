import type { ChunkMessage } from '../../../libs/contracts/src/index.js';
import type { RowSink } from '../../../libs/tools/src/definition.js';
import type { Logger } from './logger.js';

/** How an events run's rows are cut into chunk messages (WorkerConfig `chunks`). */
export interface ChunkOptions {
  /** A chunk is sent once it holds this many rows (BPFLEET_CHUNK_ROWS); a backlog goes in chunks of up to BACKLOG_CHUNK_FACTOR × this. */
  rows: number;
  /** …or once its oldest row has waited this many milliseconds (BPFLEET_CHUNK_FLUSH_MS): what a live view waits at most. */
  flushMs: number;
  /**
   * Rows held at most, waiting for the chunk before them to be taken by Redis; rows past it are dropped and
   * counted. What bounds the agent's memory when Redis is slow or away, whatever the run's size.
   */
  maxBufferedRows: number;
}

/** What a closed writer sent: the chunks (seq 0 … chunks − 1), the rows in them, and the rows it had to drop. */
export interface ChunkTotals {
  chunks: number;
  rows: number;
  dropped: number;
}

/**
 * Rows waiting when a send is done go out in one chunk of up to this many chunks' worth: when Redis or the agent's
 * event loop is slow, fewer and fuller messages carry the backlog (one signing, one queue add, one API transaction
 * each), instead of the backlog outgrowing the buffer.
 */
export const BACKLOG_CHUNK_FACTOR = 5;

/** Send attempts of one chunk before its rows are given up as dropped, and the wait after the first failure. */
const SEND_ATTEMPTS = 5;
const FIRST_RETRY_MS = 500;

/**
 * The sink of one events run: buffers rows and sends them as numbered chunks, one send at a time, so chunk
 * `seq` is only ever taken by Redis after chunk `seq − 1` (the API then sees them mostly in order, and a failed
 * send never leaves a gap: its number is used again). Rows that come while a chunk is on its way join the next
 * one (up to BACKLOG_CHUNK_FACTOR chunks' worth), so a slow Redis makes fuller chunks rather than more of them;
 * past `maxBufferedRows` they are dropped.
 */
export class ChunkWriter implements RowSink {
  readonly #runId: string;
  readonly #send: (message: ChunkMessage) => Promise<void>;
  readonly #options: ChunkOptions;
  readonly #logger: Logger;
  #buffer: Record<string, unknown>[] = [];
  /** performance.now() when the oldest row in the buffer came. */
  #oldestAt = 0;
  #timer?: NodeJS.Timeout;
  #sending?: Promise<void>;
  #seq = 0;
  #rows = 0;
  #dropped = 0;

  constructor(runId: string, send: (message: ChunkMessage) => Promise<void>, options: ChunkOptions, logger: Logger) {
    this.#runId = runId;
    this.#send = send;
    this.#options = options;
    this.#logger = logger;
  }

  write(row: Record<string, unknown>): void {
    if (this.#buffer.length >= this.#options.maxBufferedRows) {
      this.#dropped++;
      return;
    }
    if (this.#buffer.length === 0) this.#oldestAt = performance.now();
    this.#buffer.push(row);
    if (this.#sending) return;
    if (this.#buffer.length >= this.#options.rows) this.#startSending(false);
    else this.#timer ??= setTimeout(() => this.#startSending(true), this.#options.flushMs);
  }

  /**
   * Sends what is left, then `rows` (the rows of a result that kept them: a runner that does not stream), and
   * says what was sent. The writer takes no rows after this.
   */
  async close(rows: readonly Record<string, unknown>[] = []): Promise<ChunkTotals> {
    await this.#flush();
    for (let from = 0; from < rows.length; from += this.#options.rows) {
      this.#buffer.push(...rows.slice(from, from + this.#options.rows));
      await this.#flush();
    }
    return { chunks: this.#seq, rows: this.#rows, dropped: this.#dropped };
  }

  /** Waits for the chunk in flight, then sends everything buffered, full chunk or not. */
  async #flush(): Promise<void> {
    while (this.#sending || this.#buffer.length > 0) {
      if (!this.#sending) this.#startSending(true);
      await this.#sending;
    }
  }

  #startSending(flushAll: boolean): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#sending = this.#sendFull(flushAll).finally(() => {
      this.#sending = undefined;
      this.#afterSending();
    });
  }

  /** Sends every full chunk (a backlog in fuller ones), and the partial one too when `flushAll`. */
  async #sendFull(flushAll: boolean): Promise<void> {
    while (this.#buffer.length >= this.#options.rows || (flushAll && this.#buffer.length > 0)) {
      const rows = this.#buffer.splice(0, this.#options.rows * BACKLOG_CHUNK_FACTOR);
      // Rows left behind are younger than the oldest just sent: timing them from its arrival flushes them early, never late.
      if (this.#buffer.length === 0) this.#oldestAt = 0;
      await this.#sendChunk(rows);
    }
  }

  /** Rows that came during the send: a full chunk goes at once, a partial one when its oldest row has waited flushMs. */
  #afterSending(): void {
    if (this.#buffer.length === 0) return;
    if (this.#buffer.length >= this.#options.rows) {
      this.#startSending(false);
      return;
    }
    const waited = performance.now() - this.#oldestAt;
    this.#timer ??= setTimeout(() => this.#startSending(true), Math.max(0, this.#options.flushMs - waited));
  }

  async #sendChunk(rows: Record<string, unknown>[]): Promise<void> {
    const message: ChunkMessage = { type: 'chunk', runId: this.#runId, seq: this.#seq, rows, at: new Date().toISOString() };
    for (let attempt = 1; ; attempt++) {
      try {
        // The same message again after a failure: if the failed attempt did reach Redis, its id makes this one a no-op.
        await this.#send(message);
        this.#seq++;
        this.#rows += rows.length;
        return;
      } catch (error) {
        if (attempt >= SEND_ATTEMPTS) {
          // Its number goes to the next chunk, so the run's chunks stay 0 … n − 1 without a gap.
          this.#logger.error(`run ${this.#runId}: chunk ${message.seq} (${rows.length} rows) could not be sent, counted as dropped: ${(error as Error).message}`);
          this.#dropped += rows.length;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, FIRST_RETRY_MS * 2 ** (attempt - 1)));
      }
    }
  }
}
