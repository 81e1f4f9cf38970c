import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The job every firing of a schedule creates, as POST /v1/jobs takes it (params with their defaults filled in
 * when the schedule was written). Exactly one of `hosts`, `selector`, `all`.
 */
export interface ScheduledJob {
  tool: string;
  durationSec: number;
  params: Record<string, unknown>;
  hosts?: string[];
  selector?: { labels: Record<string, string> };
  all?: true;
  dispatchTimeoutSec?: number;
}

@Entity('schedules')
export class ScheduleEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text')
  cron: string;

  /** IANA zone the cron is read in; the API writes `UTC` when the caller gives none, so never null. */
  @Column('text')
  timezone: string;

  @Column('boolean')
  enabled: boolean;

  @Column('jsonb')
  job: ScheduledJob;

  @Column('text', { array: true })
  tags: string[];

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;

  /** The token whose role every firing runs with; null once that token is deleted (firings then fail). */
  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  /** When the last firing handled was due (the cron tick, not when an API replica got to it). */
  @Column('timestamptz', { name: 'last_fired_at', nullable: true })
  lastFiredAt: Date | null;

  /** Why the last firing made no job (or a job whose runs all failed to queue); null when it made its job. */
  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;
}
