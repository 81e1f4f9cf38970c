import { Injectable, NotFoundException, type BeforeApplicationShutdown } from '@nestjs/common';
import { JobRepository } from '../repositories/job.repository.js';
import { LiveRepository, type JournalEntry, type JournalPosition } from '../repositories/live.repository.js';
import { RunEventRepository } from '../repositories/run-event.repository.js';
import { invalidField } from '../utils/errors.js';
import { deriveJobStatus, isJobFinished } from '../utils/job-status.js';

/** One server-sent event: `id` (absent on `end`), its name and its data (JSON). */
export interface LiveEvent {
  id?: string;
  event: 'status' | 'rows' | 'end';
  data: string;
}

/** Where a live view writes its events; `send` resolves once the client can take more (backpressure). */
export interface LiveSink {
  send(event: LiveEvent): Promise<void>;
}

/** Journal entries read at once: bounds what one read holds (a chunk's rows are read one chunk at a time). */
const READ_ENTRIES = 100;
/** Read again this soon when entries wait for an older transaction to end (their order is not settled yet). */
const PENDING_RETRY_MS = 20;
/** Read again at least this often without a notification: a lost one only delays, never stops, a live view. */
const SAFETY_POLL_MS = 5000;

const EVENT_ID = /^(\d{1,20})-(\d{1,19})$/;

/** The id of an event: its journal entry's place, `<xid>-<id>`. */
export const eventId = (position: JournalPosition): string => `${position.xid}-${position.id}`;

/** Reads a Last-Event-ID header; 400 naming it when it is not an id this endpoint gave. */
export function parseLastEventId(header: string | undefined): JournalPosition | undefined {
  if (header === undefined || header === '') return undefined;
  const match = EVENT_ID.exec(header);
  if (!match) throw invalidField('Last-Event-ID', 'is not the id of an event of this endpoint (`<number>-<number>`)');
  return { xid: match[1]!, id: match[2]! };
}

/**
 * GET /v1/jobs/:id/events: a job's journal as server-sent events — each run status change (`status`) and, for
 * events tools, each chunk of rows once stored (`rows`) — replayed from the start or from Last-Event-ID, then live
 * until the job has ended and everything before its end was sent (`end`). The order is the journal's, the same on
 * every replica and every reconnection, so resuming after an event gives exactly the events that followed it.
 */
@Injectable()
export class LiveService implements BeforeApplicationShutdown {
  /** The views in progress: ended before the HTTP server closes, which would otherwise wait for them. */
  private readonly views = new Set<AbortController>();

  constructor(
    private readonly jobRepository: JobRepository,
    private readonly liveRepository: LiveRepository,
    private readonly runEventRepository: RunEventRepository,
  ) {}

  /** 404 for an unknown job: checked before the stream starts, so the error is a plain JSON answer. */
  async assertJob(jobId: string): Promise<void> {
    if (!(await this.jobRepository.exists(jobId))) throw new NotFoundException(`job ${jobId} not found`);
  }

  /** Sends the job's events after `from` to `sink` until the job has ended, or `signal` aborts (the client left). */
  async follow(jobId: string, from: JournalPosition | undefined, sink: LiveSink, signal: AbortSignal): Promise<void> {
    const view = new AbortController();
    this.views.add(view);
    const stop = AbortSignal.any([signal, view.signal]);
    const wakeups = new Wakeups();
    const unwatch = this.liveRepository.watch(jobId, () => wakeups.wake());
    let position = from;
    try {
      while (!stop.aborted) {
        const read = await this.liveRepository.read(jobId, position, READ_ENTRIES);
        for (const entry of read.entries) {
          if (stop.aborted) return;
          await sink.send(await this.eventOf(entry));
          position = entry;
        }
        if (read.entries.length === READ_ENTRIES) continue;
        if (!read.pending && isJobFinished(read.statuses)) {
          await sink.send({ event: 'end', data: JSON.stringify({ status: deriveJobStatus(read.statuses) }) });
          return;
        }
        await wakeups.next(read.pending ? PENDING_RETRY_MS : SAFETY_POLL_MS, stop);
      }
    } finally {
      unwatch();
      this.views.delete(view);
    }
  }

  beforeApplicationShutdown(): void {
    for (const view of this.views) view.abort();
  }

  private async eventOf(entry: JournalEntry): Promise<LiveEvent> {
    const id = eventId(entry);
    if (entry.seq === null) {
      const { runId, host, status, at, error } = entry;
      return { id, event: 'status', data: JSON.stringify({ runId, host, status, at: new Date(at).toISOString(), error }) };
    }
    const rows = await this.runEventRepository.chunkRows(entry.runId, entry.seq, entry.at);
    // The rows' stored JSON text, as it is: no parse and stringify of every row.
    const data = `{"runId":${JSON.stringify(entry.runId)},"host":${JSON.stringify(entry.host)},"seq":${entry.seq},"rows":[${rows.join(',')}]}`;
    return { id, event: 'rows', data };
  }
}

/** Notifications that arrive between two reads are kept, so the next wait returns at once. */
class Wakeups {
  private woken = false;
  private resolve?: () => void;

  wake(): void {
    this.woken = true;
    this.resolve?.();
  }

  /** Resolves when woken (now, if it was since the last call), after `ms`, or when `signal` aborts. */
  async next(ms: number, signal: AbortSignal): Promise<void> {
    if (!this.woken && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.resolve = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener('abort', done);
        this.resolve = done;
      });
    }
    this.woken = false;
  }
}
