import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  CheckEntity,
  type BaselineSpec,
  type CheckVerdict,
  type ThresholdOutcome,
  type ThresholdSpec,
} from '../entities/check.entity.js';

export interface NewCheck {
  tool: string;
  baseline: BaselineSpec;
  thresholds: ThresholdSpec[];
  baselineJobId: string | null;
  candidateJobId: string;
  createdBy: string | null;
}

const FINISHED_JOB_STATUSES = ['succeeded', 'failed', 'partial', 'cancelled'];

@Injectable()
export class CheckRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(input: NewCheck): Promise<CheckEntity> {
    const [row] = await this.dataSource.query(
      `INSERT INTO checks (tool, status, baseline, thresholds, baseline_job_id, candidate_job_id, created_by)
       VALUES ($1, 'running', $2::jsonb, $3::jsonb, $4, $5, $6) RETURNING id`,
      [
        input.tool,
        JSON.stringify(input.baseline),
        JSON.stringify(input.thresholds),
        input.baselineJobId,
        input.candidateJobId,
        input.createdBy,
      ],
    );
    return this.dataSource.getRepository(CheckEntity).findOneByOrFail({ id: row.id });
  }

  getById(id: string): Promise<CheckEntity | null> {
    return this.dataSource.getRepository(CheckEntity).findOneBy({ id });
  }

  exists(id: string): Promise<boolean> {
    return this.dataSource.getRepository(CheckEntity).existsBy({ id });
  }

  /** Newest first; `afterId` is the last check of the previous page. Reads one more row to know if there is a next page. */
  async list(limit: number, afterId?: string): Promise<{ items: CheckEntity[]; hasMore: boolean }> {
    const query = this.dataSource
      .getRepository(CheckEntity)
      .createQueryBuilder('c')
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(limit + 1);
    if (afterId) query.where('(c.created_at, c.id) < (SELECT created_at, id FROM checks WHERE id = :afterId)', { afterId });
    const rows = await query.getMany();
    return { items: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  /** Checks still waiting whose candidate job has finished: ready to be judged. */
  async readyToJudge(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT c.id FROM checks c JOIN jobs j ON j.id = c.candidate_job_id
       WHERE c.status = 'running' AND j.status = ANY($1::text[])
       ORDER BY c.created_at`,
      [FINISHED_JOB_STATUSES],
    );
    return rows.map((row) => row.id);
  }

  /** Records the verdict once: false when another API replica judged the check first. */
  async finish(id: string, verdict: CheckVerdict, outcomes: ThresholdOutcome[]): Promise<boolean> {
    const [, updated] = await this.dataSource.query(
      `UPDATE checks SET status = 'done', verdict = $2, outcomes = $3::jsonb, finished_at = now()
       WHERE id = $1 AND status = 'running'`,
      [id, verdict, JSON.stringify(outcomes)],
    );
    return updated > 0;
  }
}
