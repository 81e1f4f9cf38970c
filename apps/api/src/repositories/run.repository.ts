import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { RunStats, ToolResult } from '../../../../libs/contracts/src/index.js';
import { RunResultEntity } from '../entities/run-result.entity.js';
import { RunEntity, type RunStatus } from '../entities/run.entity.js';
import { deriveJobStatus } from '../utils/job-status.js';

export interface ReapedRun {
  id: string;
  jobId: string;
  host: string;
  error: string;
}

@Injectable()
export class RunRepository {
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

  /** queued → running. Never moves a finished run back. Returns false when nothing changed. */
  markRunning(runId: string, at: Date): Promise<boolean> {
    return this.transition(runId, async (manager) => {
      const rows = await manager.query(
        `UPDATE runs SET status = 'running', started_at = $2 WHERE id = $1 AND status = 'queued' RETURNING id`,
        [runId, at],
      );
      return rows[0].length > 0;
    });
  }

  /**
   * Stores the result and marks the run succeeded, atomically. Idempotent: a second delivery inserts
   * nothing and changes nothing. A result that arrives after the reaper gave up on the run wins,
   * since the run did finish; a cancelled run keeps its status but its result is kept.
   */
  storeSuccess(runId: string, at: Date, result: ToolResult, stats: RunStats): Promise<boolean> {
    return this.transition(runId, async (manager) => {
      const inserted = await manager.query(
        `INSERT INTO run_results (run_id, kind, result) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (run_id) DO NOTHING RETURNING run_id`,
        [runId, result.kind, JSON.stringify(result)],
      );
      if (inserted.length === 0) return false;
      await manager.query(
        `UPDATE runs SET status = 'succeeded', started_at = COALESCE(started_at, $2), finished_at = $2,
           error = NULL, stats = $3::jsonb
         WHERE id = $1 AND status <> 'cancelled'`,
        [runId, at, JSON.stringify(stats ?? {})],
      );
      return true;
    });
  }

  /** queued|running → failed. */
  markFailed(runId: string, at: Date, error: string, stats?: RunStats): Promise<boolean> {
    return this.transition(runId, async (manager) => {
      const rows = await manager.query(
        `UPDATE runs SET status = 'failed', finished_at = $2, error = $3, stats = COALESCE($4::jsonb, stats)
         WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
        [runId, at, error, stats ? JSON.stringify(stats) : null],
      );
      return rows[0].length > 0;
    });
  }

  /**
   * queued|running|failed → cancelled, as the agent reports it, keeping the partial result if it sent
   * one. Like a late success, the agent's word beats a failure the reaper guessed (an agent never
   * reports both failed and cancelled for one run). A run already succeeded or cancelled is untouched.
   */
  markCancelled(runId: string, at: Date, result?: ToolResult, stats?: RunStats): Promise<boolean> {
    return this.transition(runId, async (manager) => {
      const [rows] = await manager.query(
        `UPDATE runs SET status = 'cancelled', finished_at = $2, error = NULL, stats = COALESCE($3::jsonb, stats)
         WHERE id = $1 AND status IN ('queued', 'running', 'failed') RETURNING id`,
        [runId, at, stats ? JSON.stringify(stats) : null],
      );
      if (rows.length === 0) return false;
      if (result) {
        await manager.query(
          `INSERT INTO run_results (run_id, kind, result) VALUES ($1, $2, $3::jsonb) ON CONFLICT (run_id) DO NOTHING`,
          [runId, result.kind, JSON.stringify(result)],
        );
      }
      return true;
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

  /** Runs `change` with the run's job locked, then re-derives the job's status from its runs. */
  private transition(runId: string, change: (manager: EntityManager) => Promise<boolean>): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [job] = await manager.query(
        `SELECT j.id FROM jobs j JOIN runs r ON r.job_id = j.id WHERE r.id = $1 FOR UPDATE OF j`,
        [runId],
      );
      if (!job) return false;
      const changed = await change(manager);
      if (changed) await refreshJobStatus(manager, job.id);
      return changed;
    });
  }
}

/** Serializes status changes of one job's runs, so concurrent run updates cannot leave a stale job status. */
export async function lockJob(manager: EntityManager, jobId: string): Promise<void> {
  await manager.query(`SELECT id FROM jobs WHERE id = $1 FOR UPDATE`, [jobId]);
}

export async function refreshJobStatus(manager: EntityManager, jobId: string): Promise<void> {
  const runs: { status: RunStatus }[] = await manager.query(`SELECT status FROM runs WHERE job_id = $1`, [jobId]);
  await manager.query(`UPDATE jobs SET status = $2 WHERE id = $1`, [
    jobId,
    deriveJobStatus(runs.map((run) => run.status)),
  ]);
}
