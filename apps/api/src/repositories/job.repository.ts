import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { JobEntity } from '../entities/job.entity.js';
import { RunEntity } from '../entities/run.entity.js';
import { lockJob, refreshJobStatus } from './run.repository.js';

/** A run to create: queued for its host, or already final (`skipped`) with the reason. */
export interface NewRun {
  host: string;
  skipped?: string;
}

export interface NewJob {
  tool: string;
  params: Record<string, unknown>;
  durationSec: number;
  createdBy: string | null;
  runs: NewRun[];
  target: Record<string, unknown>;
  dispatchTimeoutSec: number;
  /** The schedule firing that made the job: at most one job per `fireKey`. */
  origin?: { scheduleId: string; fireKey: string; tags: string[] };
}

export interface JobWithRuns {
  job: JobEntity;
  runs: RunEntity[];
  tags: string[];
}

/** GET /v1/jobs filters; each one given narrows the list. */
export interface JobFilter {
  tag?: string;
  tool?: string;
  /** Jobs with a run on this host. */
  host?: string;
  status?: string;
}

@Injectable()
export class JobRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts the job, its runs (queued, or skipped with their reason) and its tags in one transaction: either
   * all exist or none. With an `origin` whose fireKey already made a job, returns null and writes nothing.
   */
  createWithRuns(input: NewJob): Promise<JobWithRuns | null> {
    return this.dataSource.transaction(async (manager) => {
      const [job] = await manager.query(
        `INSERT INTO jobs (tool, params, duration_sec, status, created_by, target, dispatch_timeout_sec, schedule_id, schedule_fire_key)
         VALUES ($1, $2::jsonb, $3, 'queued', $4, $5::jsonb, $6, $7, $8)
         ON CONFLICT (schedule_fire_key) DO NOTHING RETURNING id`,
        [
          input.tool,
          JSON.stringify(input.params),
          input.durationSec,
          input.createdBy,
          JSON.stringify(input.target),
          input.dispatchTimeoutSec,
          input.origin?.scheduleId ?? null,
          input.origin?.fireKey ?? null,
        ],
      );
      if (!job) return null;
      await manager.query(
        `INSERT INTO runs (job_id, host, status, error, finished_at)
         SELECT $1, r.host, CASE WHEN r.skipped IS NULL THEN 'queued' ELSE 'skipped' END, r.skipped,
                CASE WHEN r.skipped IS NULL THEN NULL ELSE now() END
         FROM jsonb_to_recordset($2::jsonb) AS r(host text, skipped text)`,
        [job.id, JSON.stringify(input.runs)],
      );
      if (input.origin && input.origin.tags.length > 0) {
        await manager.query(`INSERT INTO job_tags (job_id, tag) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, [
          job.id,
          input.origin.tags,
        ]);
      }
      await refreshJobStatus(manager, job.id);
      const created = await manager.getRepository(JobEntity).findOneByOrFail({ id: job.id });
      const runs = await manager.getRepository(RunEntity).find({ where: { jobId: job.id }, order: { host: 'ASC' } });
      return { job: created, runs, tags: [...(input.origin?.tags ?? [])].sort() };
    });
  }

  /**
   * Queued runs whose job's dispatch timeout has passed, oldest first: their agent never took them.
   */
  async overdueQueuedRuns(limit = 500): Promise<{ id: string; jobId: string; host: string; dispatchTimeoutSec: number }[]> {
    const rows: { id: string; job_id: string; host: string; dispatch_timeout_sec: number }[] = await this.dataSource.query(
      `SELECT r.id, r.job_id, r.host, j.dispatch_timeout_sec FROM runs r JOIN jobs j ON j.id = r.job_id
       WHERE r.status = 'queued' AND j.created_at + make_interval(secs => j.dispatch_timeout_sec) < now()
       ORDER BY j.created_at LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({ id: row.id, jobId: row.job_id, host: row.host, dispatchTimeoutSec: row.dispatch_timeout_sec }));
  }

  /** Marks a run expired if it is still queued, and re-derives its job's status. */
  async expireRun(jobId: string, runId: string, error: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await lockJob(manager, jobId);
      const [, updated] = await manager.query(
        `UPDATE runs SET status = 'expired', finished_at = now(), error = $3
         WHERE job_id = $1 AND id = $2 AND status = 'queued'`,
        [jobId, runId, error],
      );
      await refreshJobStatus(manager, jobId);
      return updated > 0;
    });
  }

  async getById(id: string): Promise<JobWithRuns | null> {
    const job = await this.dataSource.getRepository(JobEntity).findOneBy({ id });
    if (!job) return null;
    const runs = await this.dataSource.getRepository(RunEntity).find({ where: { jobId: id }, order: { host: 'ASC' } });
    const tags = await this.tagsOf([id]);
    return { job, runs, tags: tags.get(id) ?? [] };
  }

  exists(id: string): Promise<boolean> {
    return this.dataSource.getRepository(JobEntity).existsBy({ id });
  }

  /**
   * Newest first, narrowed by `filter`; `afterId` is the last job of the previous page. Reads one more row
   * to know if there is a next page.
   */
  async list(limit: number, afterId?: string, filter: JobFilter = {}): Promise<{ items: JobWithRuns[]; hasMore: boolean }> {
    const where: string[] = [];
    const values: unknown[] = [];
    const bind = (value: unknown) => `$${values.push(value)}`;
    if (afterId) where.push(`(j.created_at, j.id) < (SELECT created_at, id FROM jobs WHERE id = ${bind(afterId)})`);
    if (filter.tool) where.push(`j.tool = ${bind(filter.tool)}`);
    if (filter.status) where.push(`j.status = ${bind(filter.status)}`);
    if (filter.tag) where.push(`EXISTS (SELECT 1 FROM job_tags t WHERE t.job_id = j.id AND t.tag = ${bind(filter.tag)})`);
    if (filter.host) where.push(`EXISTS (SELECT 1 FROM runs r WHERE r.job_id = j.id AND r.host = ${bind(filter.host)})`);
    const jobs: { id: string }[] = await this.dataSource.query(
      `SELECT j.id FROM jobs j ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY j.created_at DESC, j.id DESC LIMIT ${bind(limit + 1)}`,
      values,
    );
    const page = jobs.slice(0, limit).map((row) => row.id);
    if (page.length === 0) return { items: [], hasMore: false };
    return { items: await this.getMany(page), hasMore: jobs.length > limit };
  }

  /** These jobs with their runs and tags, in the order of `ids` (missing ids skipped). */
  async getMany(ids: string[]): Promise<JobWithRuns[]> {
    if (ids.length === 0) return [];
    const entities = await this.dataSource.getRepository(JobEntity).createQueryBuilder('job').whereInIds(ids).getMany();
    const runs = await this.dataSource
      .getRepository(RunEntity)
      .createQueryBuilder('run')
      .where('run.job_id IN (:...ids)', { ids })
      .orderBy('run.host', 'ASC')
      .getMany();
    const tags = await this.tagsOf(ids);
    const byId = new Map(entities.map((job) => [job.id, job]));
    return ids
      .filter((id) => byId.has(id))
      .map((id) => ({ job: byId.get(id)!, runs: runs.filter((run) => run.jobId === id), tags: tags.get(id) ?? [] }));
  }

  /** Adds tags to a job; tags it already has are kept as they are (idempotent). */
  async addTags(jobId: string, tags: string[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO job_tags (job_id, tag) SELECT $1, tag FROM unnest($2::text[]) AS tag ON CONFLICT DO NOTHING`,
      [jobId, tags],
    );
  }

  /** Removes one tag; false when the job did not have it. */
  async removeTag(jobId: string, tag: string): Promise<boolean> {
    const [, removed] = await this.dataSource.query(`DELETE FROM job_tags WHERE job_id = $1 AND tag = $2`, [jobId, tag]);
    return removed > 0;
  }

  /**
   * The baseline a tag names: the latest succeeded job with that tag, of this tool, on exactly this set of
   * hosts (a baseline from other machines would compare the machines, not the change).
   */
  async latestTagged(tag: string, tool: string, hosts: string[], excludeJobId?: string): Promise<string | null> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT j.id FROM jobs j JOIN job_tags t ON t.job_id = j.id
       WHERE t.tag = $1 AND j.tool = $2 AND j.status = 'succeeded' AND j.id IS DISTINCT FROM $4::uuid
         AND (SELECT array_agg(r.host ORDER BY r.host COLLATE "C") FROM runs r WHERE r.job_id = j.id) = $3::text[]
       ORDER BY j.created_at DESC, j.id DESC LIMIT 1`,
      [tag, tool, [...hosts].sort(), excludeJobId ?? null],
    );
    return rows[0]?.id ?? null;
  }

  private async tagsOf(jobIds: string[]): Promise<Map<string, string[]>> {
    const rows: { job_id: string; tag: string }[] = await this.dataSource.query(
      `SELECT job_id, tag FROM job_tags WHERE job_id = ANY($1::uuid[]) ORDER BY tag`,
      [jobIds],
    );
    const tags = new Map<string, string[]>();
    for (const row of rows) tags.set(row.job_id, [...(tags.get(row.job_id) ?? []), row.tag]);
    return tags;
  }

  /**
   * Marks these runs cancelled, if still queued (they were taken off their queue, so no agent will
   * report on them), and re-derives the job's status.
   */
  async cancelQueuedRuns(jobId: string, runIds: string[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await lockJob(manager, jobId);
      await manager.query(
        `UPDATE runs SET status = 'cancelled', finished_at = now()
         WHERE job_id = $1 AND id = ANY($2::uuid[]) AND status = 'queued'`,
        [jobId, runIds],
      );
      await refreshJobStatus(manager, jobId);
    });
  }

  /** Marks these runs failed (e.g. they could not be enqueued) and re-derives the job's status. */
  async failRuns(jobId: string, runIds: string[], error: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await lockJob(manager, jobId);
      await manager.query(
        `UPDATE runs SET status = 'failed', finished_at = now(), error = $3
         WHERE job_id = $1 AND id = ANY($2::uuid[]) AND status = 'queued'`,
        [jobId, runIds, error],
      );
      await refreshJobStatus(manager, jobId);
    });
  }
}
