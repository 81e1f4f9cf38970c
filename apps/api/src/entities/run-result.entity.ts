import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ResultKind, ToolResult } from '../../../../libs/contracts/src/index.js';

@Entity('run_results')
export class RunResultEntity {
  /** One result per run: the primary key is what makes ingest idempotent. */
  @PrimaryColumn('uuid', { name: 'run_id' })
  runId: string;

  @Column('text')
  kind: ResultKind;

  @Column('jsonb')
  result: ToolResult;

  @Column('timestamptz', { name: 'stored_at' })
  storedAt: Date;
}
