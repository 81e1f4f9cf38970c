import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RunStats } from '../../../../libs/contracts/src/index.js';

/**
 * `skipped`: the host was selected (selector or `all`) but offline or lacking what the tool needs at dispatch;
 * `expired`: still queued when the job's dispatchTimeoutSec ended. Both are final and carry the reason in `error`.
 */
export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'skipped', 'expired'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** No ORM relation to jobs on purpose: circular entity imports break under ESM; the FK lives in the migration. */
@Entity('runs')
export class RunEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'job_id' })
  jobId: string;

  @Column('text')
  host: string;

  @Column('text')
  status: RunStatus;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('jsonb', { nullable: true })
  stats: RunStats | null;
}
