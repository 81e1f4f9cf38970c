import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../constants.js';

/** Where a run's streamed rows stand. */
export interface RunRowsState {
  /** Chunks 0 … readableChunks − 1 are all stored: a read serves only these, so a late chunk never lands behind a reader. */
  readableChunks: number;
  /** Rows in those chunks. */
  readableRows: number;
  /** Chunks stored, gaps or not. */
  storedChunks: number;
  /** The earliest and latest `at` of the stored chunks (Postgres's text, exact), which bound the partitions to read; null without chunks. */
  from: string | null;
  to: string | null;
}

/** A place in a run's rows: row `idx` of chunk `seq`. */
export interface RowPosition {
  seq: number;
  idx: number;
}

/** Rows read at once: their JSON texts joined, how many, whether more follow, and where the last one is. */
export interface RowsText {
  count: number;
  more: boolean;
  text: string;
  last?: RowPosition;
}

/** Postgres refused a row for lack of a partition of its day (check_violation, on the partitioned table). */
const NO_PARTITION = /no partition of relation "run_events" found/;
/** Days of partitions made ahead of time: ingest never waits for one while a day turns. */
export const PARTITION_DAYS_AHEAD = 2;

/** `at` is left to its default, now(): the transaction's time, the same as the chunk's journal entry. */
export const COPY_ROWS = 'COPY run_events (run_id, seq, idx, row) FROM STDIN';

/**
 * The COPY text lines of one chunk's rows (run_id, seq, idx, row): tab-separated, the JSON's backslashes doubled
 * (JSON text has no raw tab or line break to escape). Exported for the bench's raw COPY of the same rows.
 */
export function copyLines(runId: string, seq: number, rows: readonly Record<string, unknown>[]): string {
  const lines: string[] = new Array(rows.length);
  for (let idx = 0; idx < rows.length; idx++) {
    const json = JSON.stringify(rows[idx]);
    lines[idx] = `${runId}\t${seq}\t${idx}\t${json.includes('\\') ? json.replaceAll('\\', '\\\\') : json}\n`;
  }
  return lines.join('');
}

/** `run_events_YYYYMMDD`: the partition of the UTC day starting at `day`. */
export function partitionName(day: Date): string {
  return `run_events_${day.toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** 00:00 UTC of the day of `at`. */
export function dayStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The rows of events runs: `run_events`, partitioned by day, filled by COPY one chunk per transaction, read by
 * run in (seq, idx) order. Has a pool of its own, apart from TypeORM's: a COPY or a long CSV export never takes
 * the connection a request is waiting for, and COPY needs the driver's client itself.
 */
@Injectable()
export class RunEventRepository implements OnApplicationShutdown {
  private readonly pool: pg.Pool;

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    this.pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: 4,
      application_name: 'bpfleet-api-events',
      connectionTimeoutMillis: 3000,
      // Every read here walks a run's rows in index order. Before autovacuum has analyzed a partition just filled,
      // the planner expects a handful of rows and sorts a bitmap scan of all of them instead: 300 ms for a page of a
      // 1,000,000-row run instead of 20. Without sorts and bitmap scans to choose, it takes the index.
      options: '-c enable_sort=off -c enable_bitmapscan=off',
    });
    // An idle client losing its connection (Postgres restarting) is replaced on the next checkout.
    this.pool.on('error', () => {});
  }

  /**
   * Stores chunk `seq` of a run in one transaction: its journal entry, then its rows by COPY. Returns false,
   * storing nothing, when the chunk is already stored (a redelivery) or the run does not exist (any more).
   * Makes today's partition when a day turned without one (the retention sweep makes them ahead).
   */
  async storeChunk(runId: string, seq: number, rows: readonly Record<string, unknown>[]): Promise<boolean> {
    try {
      return await this.storeChunkOnce(runId, seq, rows);
    } catch (error) {
      if (!NO_PARTITION.test((error as Error).message)) throw error;
      await this.ensurePartitions(new Date(), 0);
      return this.storeChunkOnce(runId, seq, rows);
    }
  }

  private async storeChunkOnce(runId: string, seq: number, rows: readonly Record<string, unknown>[]): Promise<boolean> {
    return this.transaction(async (client) => {
      // A concurrent delivery of the same chunk waits here on the unique (run_id, seq) until this one ends.
      const entry = await client.query(
        `INSERT INTO run_journal (job_id, run_id, seq, row_count)
         SELECT job_id, id, $2, $3 FROM runs WHERE id = $1
         ON CONFLICT (run_id, seq) DO NOTHING RETURNING id`,
        [runId, seq, rows.length],
      );
      if (entry.rowCount === 0) return false;
      if (rows.length > 0) await pipeline(Readable.from([copyLines(runId, seq, rows)]), client.query(copyFrom(COPY_ROWS)));
      return true;
    }).catch((error: { code?: string }) => {
      // The run's job was deleted while the chunk was on its way.
      if (error.code === '23503') return false;
      throw error;
    });
  }

  /**
   * Records every chunk of 0 … chunks − 1 not stored as stored empty, so that readers stop waiting for it (a chunk
   * arriving later is then a redelivery, and dropped). Returns how many were missing.
   */
  async giveUpMissingChunks(runId: string, chunks: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO run_journal (job_id, run_id, seq, row_count)
       SELECT r.job_id, r.id, s.seq, 0 FROM runs r, generate_series(0, $2 - 1) AS s(seq)
       WHERE r.id = $1
       ON CONFLICT (run_id, seq) DO NOTHING`,
      [runId, chunks],
    );
    return rowCount ?? 0;
  }

  /** Where the run's rows stand (see {@link RunRowsState}). */
  async state(runId: string): Promise<RunRowsState> {
    const { rows } = await this.pool.query<{ readable_chunks: number; readable_rows: string; stored_chunks: number; from: string | null; to: string | null }>(
      `WITH chunks AS (
         SELECT seq, row_count, at, row_number() OVER (ORDER BY seq) - 1 AS rn
         FROM run_journal WHERE run_id = $1 AND seq IS NOT NULL
       ), prefix AS (
         SELECT coalesce(min(rn) FILTER (WHERE seq <> rn), count(*)) AS n FROM chunks
       )
       SELECT prefix.n::int AS readable_chunks,
         coalesce(sum(chunks.row_count) FILTER (WHERE chunks.seq < prefix.n), 0)::bigint AS readable_rows,
         count(chunks.seq)::int AS stored_chunks, min(chunks.at)::text AS from, max(chunks.at)::text AS to
       FROM prefix LEFT JOIN chunks ON true GROUP BY prefix.n`,
      [runId],
    );
    const [row] = rows;
    return {
      readableChunks: row!.readable_chunks,
      readableRows: Number(row!.readable_rows),
      storedChunks: row!.stored_chunks,
      from: row!.from,
      to: row!.to,
    };
  }

  /**
   * Up to `limit` rows of the run after `after` (from the first without it), of chunks before `state.readableChunks`,
   * in (seq, idx) order, as one text: their JSON joined by `separator` (JSON text has no raw line break, so `\n`
   * makes NDJSON). One text rather than a row per row: the driver's per-row work was most of a page's time.
   */
  async rowsText(runId: string, state: RunRowsState, after: RowPosition | undefined, limit: number, separator: string): Promise<RowsText> {
    if (state.readableChunks === 0 || state.from === null) return { count: 0, more: false, text: '' };
    // One row more than asked says whether more follow; (seq, idx) of the last as one number (idx < 2^32).
    const { rows } = await this.pool.query<{ fetched: number; text: string; last: string | null }>(
      `SELECT count(*)::int AS fetched,
         coalesce(string_agg(json, $8 ORDER BY n) FILTER (WHERE n <= $7), '') AS text,
         max(seq::bigint * 4294967296 + idx) FILTER (WHERE n <= $7) AS last
       FROM (
         SELECT seq, idx, row::text AS json, row_number() OVER (ORDER BY seq, idx) AS n FROM run_events
         WHERE run_id = $1 AND at BETWEEN $2 AND $3 AND seq < $4 AND (seq, idx) > ($5, $6)
         ORDER BY seq, idx LIMIT $7 + 1
       ) page`,
      [runId, state.from, state.to, state.readableChunks, after?.seq ?? -1, after?.idx ?? -1, limit, separator],
    );
    const { fetched, text, last } = rows[0]!;
    const position = last === null ? undefined : { seq: Number(BigInt(last) >> 32n), idx: Number(BigInt(last) & 0xffffffffn) };
    return { count: Math.min(fetched, limit), more: fetched > limit, text, last: position };
  }

  /** The rows of one stored chunk, in order, as JSON text. `at` is its journal entry's, exactly (one partition to read). */
  async chunkRows(runId: string, seq: number, at: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ json: string }>(
      `SELECT row::text AS json FROM run_events WHERE run_id = $1 AND seq = $2 AND at = $3 ORDER BY idx`,
      [runId, seq, at],
    );
    return rows.map((row) => row.json);
  }

  /**
   * Makes the partitions of the UTC days from `from`'s to `daysAhead` days later, those missing. Several API
   * replicas may do it at once: a partition another made meanwhile is no error.
   */
  async ensurePartitions(from: Date, daysAhead = PARTITION_DAYS_AHEAD): Promise<void> {
    const first = dayStart(from);
    for (let i = 0; i <= daysAhead; i++) {
      const day = new Date(first.getTime() + i * DAY_MS);
      const next = new Date(day.getTime() + DAY_MS);
      try {
        await this.pool.query(
          `CREATE TABLE IF NOT EXISTS ${partitionName(day)} PARTITION OF run_events
           FOR VALUES FROM ('${day.toISOString()}') TO ('${next.toISOString()}')`,
        );
      } catch (error) {
        // duplicate_table, or the catalog's unique index when two replicas create the same one at the same instant.
        if (!['42P07', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollback: Error) => {
        broken = rollback;
      });
      throw error;
    } finally {
      // A connection that could not even roll back is not given to the next caller.
      client.release(broken);
    }
  }
}
