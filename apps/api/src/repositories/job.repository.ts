import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { JobEntity } from '../entities/job.entity.js';
import { RunEntity } from '../entities/run.entity.js';
import { lockJob, refreshJobStatus } from './run.repository.js';

export interface NewJob {
  tool: string;
  params: Record<string, unknown>;
  durationSec: number;
  createdBy: string | null;
  hosts: string[];
}

export interface JobWithRuns {
  job: JobEntity;
  runs: RunEntity[];
}

@Injectable()
export class JobRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts the job and one queued run per host in one transaction: either all exist or none. */
  createWithRuns(input: NewJob): Promise<JobWithRuns> {
    return this.dataSource.transaction(async (manager) => {
      const [job] = await manager.query(
        `INSERT INTO jobs (tool, params, duration_sec, status, created_by)
         VALUES ($1, $2::jsonb, $3, 'queued', $4) RETURNING id`,
        [input.tool, JSON.stringify(input.params), input.durationSec, input.createdBy],
      );
      await manager.query(
        `INSERT INTO runs (job_id, host, status) SELECT $1, host, 'queued' FROM unnest($2::text[]) AS host`,
        [job.id, input.hosts],
      );
      const created = await manager.getRepository(JobEntity).findOneByOrFail({ id: job.id });
      const runs = await manager.getRepository(RunEntity).find({ where: { jobId: job.id }, order: { host: 'ASC' } });
      return { job: created, runs };
    });
  }

  async getById(id: string): Promise<JobWithRuns | null> {
    const job = await this.dataSource.getRepository(JobEntity).findOneBy({ id });
    if (!job) return null;
    const runs = await this.dataSource.getRepository(RunEntity).find({ where: { jobId: id }, order: { host: 'ASC' } });
    return { job, runs };
  }

  exists(id: string): Promise<boolean> {
    return this.dataSource.getRepository(JobEntity).existsBy({ id });
  }

  /** Newest first; `afterId` is the last job of the previous page. Reads one more row to know if there is a next page. */
  async list(limit: number, afterId?: string): Promise<{ items: JobWithRuns[]; hasMore: boolean }> {
    const jobs: { id: string }[] = afterId
      ? await this.dataSource.query(
          `SELECT id FROM jobs WHERE (created_at, id) < (SELECT created_at, id FROM jobs WHERE id = $1)
           ORDER BY created_at DESC, id DESC LIMIT $2`,
          [afterId, limit + 1],
        )
      : await this.dataSource.query(`SELECT id FROM jobs ORDER BY created_at DESC, id DESC LIMIT $1`, [limit + 1]);
    const page = jobs.slice(0, limit).map((row) => row.id);
    if (page.length === 0) return { items: [], hasMore: false };
    const entities = await this.dataSource.getRepository(JobEntity).createQueryBuilder('job').whereInIds(page).getMany();
    const runs = await this.dataSource
      .getRepository(RunEntity)
      .createQueryBuilder('run')
      .where('run.job_id IN (:...ids)', { ids: page })
      .orderBy('run.host', 'ASC')
      .getMany();
    const byId = new Map(entities.map((job) => [job.id, job]));
    return {
      items: page.map((id) => ({ job: byId.get(id)!, runs: runs.filter((run) => run.jobId === id) })),
      hasMore: jobs.length > limit,
    };
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
