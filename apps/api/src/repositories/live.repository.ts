import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../constants.js';
import type { RunStatus } from '../entities/run.entity.js';

/** The Postgres channel the journal's trigger notifies, with the job's id as payload (see the ResultStreams migration). */
const CHANNEL = 'bpfleet_journal';
/** Wait before listening again after the connection was lost. */
const RECONNECT_MS = 1000;

/** A place in a job's journal: entries are ordered by (xid, id), both decimal text (64-bit). */
export interface JournalPosition {
  xid: string;
  id: string;
}

/** One entry of a job's journal: a run's new status, or a chunk of its rows stored. */
export interface JournalEntry extends JournalPosition {
  runId: string;
  host: string;
  /** When it was written: ISO 8601 to the microsecond, exact (a chunk's rows carry the same `at`). */
  at: string;
  /** A status change: the run's new status, and its error when it still has that status. */
  status: RunStatus | null;
  error: string | null;
  /** A chunk: its number. */
  seq: number | null;
}

/** What one read of a job's journal found, all in one snapshot. */
export interface JournalRead {
  /** Entries after the position, in order, up to the limit; only those no transaction still running can precede. */
  entries: JournalEntry[];
  /** Entries are written whose order is not settled yet (a transaction older than theirs still runs): read again soon. */
  pending: boolean;
  /** Every run's status, as of the same snapshot. */
  statuses: RunStatus[];
}

/**
 * A job's journal (run_journal), read in order, and Postgres LISTEN/NOTIFY to hear of new entries. One listening
 * connection per API process wakes every live view of the jobs notified, whichever replica stored the entry:
 * the notification is sent at commit, so what it announces is there to read.
 */
@Injectable()
export class LiveRepository implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LiveRepository.name);
  private readonly watchers = new Map<string, Set<() => void>>();
  private client?: pg.Client;
  private closed = false;
  private listening?: Promise<void>;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.listening = this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => {});
    await this.listening;
  }

  /**
   * Calls `wake` whenever entries of the job may have been written: on its notifications, and each time the
   * listening connection is made again (notifications sent meanwhile are lost). Returns what stops it.
   */
  watch(jobId: string, wake: () => void): () => void {
    let watchers = this.watchers.get(jobId);
    if (!watchers) this.watchers.set(jobId, (watchers = new Set()));
    watchers.add(wake);
    return () => {
      watchers.delete(wake);
      if (watchers.size === 0 && this.watchers.get(jobId) === watchers) this.watchers.delete(jobId);
    };
  }

  /**
   * Up to `limit` entries of the job after `after` (from the first without it). Only entries whose transaction id is
   * below the snapshot's xmin are given: every transaction before it has ended, so no entry can still appear
   * among them, and the order read is final. The run statuses are read in the same statement, so "every run
   * finished and nothing left to read" is exact.
   */
  async read(jobId: string, after: JournalPosition | undefined, limit: number): Promise<JournalRead> {
    const [row]: { entries: JournalEntry[]; pending: boolean; statuses: RunStatus[] }[] = await this.dataSource.query(
      `WITH snap AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
       SELECT
         (SELECT coalesce(json_agg(e ORDER BY e.xid, e.id::bigint), '[]') FROM (
            SELECT j.xid, j.id::text AS id, j.run_id AS "runId", r.host, j.at, j.status,
              CASE WHEN j.status = r.status THEN r.error END AS error, j.seq
            FROM run_journal j JOIN runs r ON r.id = j.run_id, snap
            WHERE j.job_id = $1 AND (j.xid, j.id) > ($2::xid8, $3::bigint) AND j.xid < snap.xmin
            ORDER BY j.xid, j.id LIMIT $4) e) AS entries,
         EXISTS (SELECT 1 FROM run_journal j, snap WHERE j.job_id = $1 AND j.xid >= snap.xmin) AS pending,
         (SELECT coalesce(array_agg(status), '{}') FROM runs WHERE job_id = $1) AS statuses`,
      [jobId, after?.xid ?? '0', after?.id ?? '0', limit],
    );
    return { entries: row!.entries.map((entry) => ({ ...entry, xid: String(entry.xid) })), pending: row!.pending, statuses: row!.statuses };
  }

  private async listen(): Promise<void> {
    while (!this.closed) {
      const client = new pg.Client({ connectionString: this.config.databaseUrl, application_name: 'bpfleet-api-listen' });
      const ended = new Promise<void>((resolve) => {
        client.once('end', resolve);
        client.on('error', () => resolve());
      });
      client.on('notification', (notification) => this.wake(notification.payload));
      try {
        await client.connect();
        await client.query(`LISTEN ${CHANNEL}`);
        this.client = client;
        // Whatever was notified while no connection listened.
        for (const jobId of this.watchers.keys()) this.wake(jobId);
        await ended;
      } catch (error) {
        if (!this.closed) this.logger.warn(`listening to ${CHANNEL}: ${(error as Error).message}`);
      }
      this.client = undefined;
      await client.end().catch(() => {});
      if (!this.closed) await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    }
  }

  private wake(jobId: string | undefined): void {
    for (const wake of this.watchers.get(jobId ?? '') ?? []) wake();
  }
}
