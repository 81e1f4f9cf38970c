import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { RunStats, ToolResult } from '../../../../libs/contracts/src/index.js';
import { RunResultEntity } from '../entities/run-result.entity.js';
import { RunEntity, type RunStatus } from '../entities/run.entity.js';
import { Coalescer } from '../utils/coalesce.js';
import { deriveJobStatus } from '../utils/job-status.js';

export interface ReapedRun {
  id: string;
  jobId: string;
  host: string;
  error: string;
}

/** The row a run change answers: the job of the run it changed. */
interface JobOfRun {
  job_id: string;
}

/** A run changed: its job, and whether that job's status is known to be unchanged by it. */
interface RunChange {
  jobId: string;
  settled?: boolean;
}

@Injectable()
export class RunRepository {
  private readonly refreshes = new Coalescer();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  getById(id: string): Promise<RunEntity | null> {
    return this.dataSource.getRepository(RunEntity).findOneBy({ id });
  }

  getResult(runId: string): Promise<RunResultEntity | null> {
    return this.dataSource.getRepository(RunResultEntity).findOneBy({ runId });
  }

  /** The runs of a job that ended `succeeded`, each with its result, by host. */
  async succeededWithResults(jobId: string): Promise<{ run: RunEntity; result: ToolResult }[]> {
    const runs = await this.dataSource
      .getRepository(RunEntity)
      .find({ where: { jobId, status: 'succeeded' }, order: { host: 'ASC' } });
    if (runs.length === 0) return [];
    const results = await this.dataSource
      .getRepository(RunResultEntity)
      .createQueryBuilder('result')
      .where('result.run_id IN (:...ids)', { ids: runs.map((run) => run.id) })
      .getMany();
    const byRun = new Map(results.map((stored) => [stored.runId, stored.result]));
    return runs.filter((run) => byRun.has(run.id)).map((run) => ({ run, result: byRun.get(run.id)! }));
  }

  /**
   * queued → running. Never moves a finished run back. Returns false when nothing changed. A job already
   * `running` stays so (this run is unfinished and not queued), so only the first run of a job re-derives it.
   */
  markRunning(runId: string, at: Date): Promise<boolean> {
    return this.transition(runId, async () => {
      const [rows]: [(JobOfRun & { job_status: string })[], number] = await this.dataSource.query(
        `UPDATE runs r SET status = 'running', started_at = $2 FROM jobs j
         WHERE r.id = $1 AND r.status = 'queued' AND j.id = r.job_id
         RETURNING r.job_id, j.status AS job_status`,
        [runId, at],
      );
      return rows[0] && { jobId: rows[0].job_id, settled: rows[0].job_status === 'running' };
    });
  }

  /**
   * Stores the result and marks the run succeeded, atomically (one statement). Idempotent: a second delivery
   * inserts nothing and changes nothing. A result that arrives after the reaper gave up on the run wins,
   * since the run did finish; a cancelled run keeps its status but its result is kept.
   */
  storeSuccess(runId: string, at: Date, result: ToolResult, stats: RunStats): Promise<boolean> {
    return this.transition(runId, async () => {
      const rows: JobOfRun[] = await this.dataSource.query(
        `WITH stored AS (
           INSERT INTO run_results (run_id, kind, result)
           SELECT id, $2, $3::jsonb FROM runs WHERE id = $1
           ON CONFLICT (run_id) DO NOTHING RETURNING run_id
         ), finished AS (
           UPDATE runs SET status = 'succeeded', started_at = COALESCE(started_at, $4), finished_at = $4,
             error = NULL, stats = $5::jsonb
           WHERE id IN (SELECT run_id FROM stored) AND status <> 'cancelled'
         )
         SELECT job_id FROM runs WHERE id IN (SELECT run_id FROM stored)`,
        [runId, result.kind, JSON.stringify(result), at, JSON.stringify(stats ?? {})],
      );
      return rows[0] && { jobId: rows[0].job_id };
    });
  }

  /** queued|running → failed. */
  markFailed(runId: string, at: Date, error: string, stats?: RunStats): Promise<boolean> {
    return this.transition(runId, async () => {
      const [rows]: [JobOfRun[], number] = await this.dataSource.query(
        `UPDATE runs SET status = 'failed', finished_at = $2, error = $3, stats = COALESCE($4::jsonb, stats)
         WHERE id = $1 AND status IN ('queued', 'running') RETURNING job_id`,
        [runId, at, error, stats ? JSON.stringify(stats) : null],
      );
      return rows[0] && { jobId: rows[0].job_id };
    });
  }

  /**
   * queued|running|failed → cancelled, as the agent reports it, keeping the partial result if it sent
   * one (one statement). Like a late success, the agent's word beats a failure the reaper guessed (an agent
   * never reports both failed and cancelled for one run). A run already succeeded or cancelled is untouched.
   */
  markCancelled(runId: string, at: Date, result?: ToolResult, stats?: RunStats): Promise<boolean> {
    return this.transition(runId, async () => {
      const rows: JobOfRun[] = await this.dataSource.query(
        `WITH cancelled AS (
           UPDATE runs SET status = 'cancelled', finished_at = $2, error = NULL, stats = COALESCE($3::jsonb, stats)
           WHERE id = $1 AND status IN ('queued', 'running', 'failed') RETURNING id, job_id
         ), kept AS (
           INSERT INTO run_results (run_id, kind, result)
           SELECT id, $4, $5::jsonb FROM cancelled WHERE $4::text IS NOT NULL
           ON CONFLICT (run_id) DO NOTHING
         )
         SELECT job_id FROM cancelled`,
        [runId, at, stats ? JSON.stringify(stats) : null, result?.kind ?? null, result ? JSON.stringify(result) : null],
      );
      return rows[0] && { jobId: rows[0].job_id };
    });
  }

  /**
   * Fails running runs whose agent is gone: its host has not heartbeated for `offlineSec` (only when
   * `checkHosts`, i.e. the API's own view of heartbeats is fresh), or the run has outlived its
   * duration by more than `graceSec`.
   */
  async reap(offlineSec: number, graceSec: number, checkHosts: boolean): Promise<ReapedRun[]> {
    return this.dataSource.transaction(async (manager) => {
      const candidates: { id: string; job_id: string; host: string; reason: string }[] = await manager.query(
        `SELECT r.id, r.job_id, r.host,
           CASE WHEN $3 AND (h.last_seen IS NULL OR h.last_seen < now() - make_interval(secs => $1))
             THEN format('agent on host %s stopped heartbeating (last seen %s)', r.host, h.last_seen)
             ELSE format('run exceeded its duration of %s s by more than %s s', j.duration_sec, $2::int)
           END AS reason
         FROM runs r JOIN jobs j ON j.id = r.job_id LEFT JOIN hosts h ON h.name = r.host
         WHERE r.status = 'running' AND (
           ($3 AND (h.last_seen IS NULL OR h.last_seen < now() - make_interval(secs => $1)))
           OR r.started_at < now() - make_interval(secs => j.duration_sec + $2::int))
         ORDER BY r.job_id
         FOR UPDATE OF r SKIP LOCKED`,
        [offlineSec, graceSec, checkHosts],
      );
      const reaped: ReapedRun[] = [];
      for (const run of candidates) {
        await lockJob(manager, run.job_id);
        const [rows] = await manager.query(
          `UPDATE runs SET status = 'failed', finished_at = now(), error = $2
           WHERE id = $1 AND status = 'running' RETURNING id`,
          [run.id, run.reason],
        );
        if (rows.length > 0) {
          await refreshJobStatus(manager, run.job_id);
          reaped.push({ id: run.id, jobId: run.job_id, host: run.host, error: run.reason });
        }
      }
      return reaped;
    });
  }

  /**
   * Applies `change` (one statement, committed on its own; it answers the run's job when it changed the run, and
   * `settled` when the job's status cannot have changed), then re-derives the job's status (see
   * {@link refreshJobStatus}). The change does not wait for the job: a sweep's runs report at the same moment,
   * and with the job locked from each change to its commit they were stored one commit at a time (1,000 runs:
   * 25 s, docs/scaling.md). Re-derivations of one job are coalesced: reports arriving while one runs share the
   * next. A message that changed nothing (delivered again, e.g. after the API died between the change and the
   * re-derivation) re-derives all the same, which repairs that case.
   */
  private async transition(runId: string, change: () => Promise<RunChange | undefined>): Promise<boolean> {
    const changed = await change();
    if (changed?.settled) return true;
    const jobId = changed?.jobId ?? (await this.jobOf(runId));
    if (jobId) await this.refreshes.run(jobId, () => this.dataSource.transaction((manager) => refreshJobStatus(manager, jobId)));
    return changed !== undefined;
  }

  private async jobOf(runId: string): Promise<string | undefined> {
    const rows: JobOfRun[] = await this.dataSource.query(`SELECT job_id FROM runs WHERE id = $1`, [runId]);
    return rows[0]?.job_id;
  }
}

/**
 * The advisory lock of one job's status (the two-key form: its own key space, apart from the migrations' lock).
 * Held to the end of the transaction. Unlike a row lock it writes nothing, so a transaction that takes it and
 * changes nothing commits without waiting for the disk.
 */
const JOB_STATUS_LOCK = `SELECT pg_advisory_xact_lock(hashtext('bpfleet:job-status'), hashtext($1::text))`;

/** Serializes status changes of one job's runs, so concurrent run updates cannot leave a stale job status. */
export async function lockJob(manager: EntityManager, jobId: string): Promise<void> {
  await manager.query(JOB_STATUS_LOCK, [jobId]);
}

/**
 * Re-derives the job's status from its runs' statuses, holding the job's lock: each derivation reads what every
 * change committed before it took the lock, so the last one to run reads the last change. The job's row is
 * written only when its status changes (a sweep's thousand reports write it about twice).
 */
export async function refreshJobStatus(manager: EntityManager, jobId: string): Promise<void> {
  await lockJob(manager, jobId);
  // deriveJobStatus depends only on which statuses occur, not how often: one row per status, whatever the job's size.
  const runs: { status: RunStatus }[] = await manager.query(`SELECT DISTINCT status FROM runs WHERE job_id = $1`, [jobId]);
  const status = deriveJobStatus(runs.map((run) => run.status));
  await manager.query(`UPDATE jobs SET status = $2 WHERE id = $1 AND status IS DISTINCT FROM $2`, [jobId, status]);
}
