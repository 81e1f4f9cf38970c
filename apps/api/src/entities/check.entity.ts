import { Column, Entity, PrimaryColumn } from 'typeorm';

export const CHECK_STATUSES = ['running', 'done'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];
export const CHECK_VERDICTS = ['pass', 'fail', 'inconclusive'] as const;
export type CheckVerdict = (typeof CHECK_VERDICTS)[number];

/** How the caller named the baseline; `baselineJobId` is what it resolved to when the check was created. */
export type BaselineSpec = { jobId: string } | { tag: string };

/** A threshold as the caller gave it. */
export interface ThresholdSpec {
  name: string;
  limit: string;
}

/** One threshold's judgement, as libs/results evaluates it. */
export interface ThresholdOutcome {
  name: string;
  limit: string;
  baseline: number | null;
  candidate: number | null;
  change: number | null;
  pass: boolean | null;
  why: string;
  pValue: number | null;
}

@Entity('checks')
export class CheckEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  tool: string;

  @Column('text')
  status: CheckStatus;

  @Column('text', { nullable: true })
  verdict: CheckVerdict | null;

  @Column('jsonb')
  baseline: BaselineSpec;

  /** In the caller's order: a list, since a jsonb object would sort its keys. */
  @Column('jsonb')
  thresholds: ThresholdSpec[];

  @Column('jsonb', { nullable: true })
  outcomes: ThresholdOutcome[] | null;

  @Column('uuid', { name: 'baseline_job_id', nullable: true })
  baselineJobId: string | null;

  @Column('uuid', { name: 'candidate_job_id' })
  candidateJobId: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;
}
