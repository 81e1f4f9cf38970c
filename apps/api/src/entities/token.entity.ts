import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * What a token may do: `read` (tools, hosts, jobs, results, compare, checks), `run` (create, cancel, stop and
 * tag jobs; checks), `admin` (tokens, schedules, custom programs, audit).
 */
export const SCOPES = ['read', 'run', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

@Entity('tokens')
export class TokenEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text', { array: true })
  scopes: Scope[];

  /** sha256 of the token, hex: the token itself is never stored. */
  @Column('char', { length: 64 })
  hash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'expires_at', nullable: true })
  expiresAt: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  /** The admin token of BPFLEET_ADMIN_TOKEN: its hash follows the setting. */
  @Column('boolean')
  bootstrap: boolean;
}
