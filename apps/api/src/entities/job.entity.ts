import { Column, Entity, PrimaryColumn } from 'typeorm';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'partial', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

@Entity('jobs')
export class JobEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  tool: string;

  @Column('jsonb')
  params: Record<string, unknown>;

  @Column('integer', { name: 'duration_sec' })
  durationSec: number;

  @Column('text')
  status: JobStatus;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @Column('jsonb', { nullable: true })
  target: Record<string, unknown> | null;

  @Column('integer', { name: 'dispatch_timeout_sec' })
  dispatchTimeoutSec: number;

  @Column('uuid', { name: 'schedule_id', nullable: true })
  scheduleId: string | null;
}
