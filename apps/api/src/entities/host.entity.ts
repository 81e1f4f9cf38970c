import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('hosts')
export class HostEntity {
  @PrimaryColumn('text')
  name: string;

  @Column('jsonb')
  labels: Record<string, string>;

  @Column('text')
  kernel: string;

  @Column('jsonb')
  capabilities: Record<string, boolean>;

  @Column('text', { name: 'agent_version' })
  agentVersion: string;

  @Column('timestamptz', { name: 'last_seen' })
  lastSeen: Date;

  @Column('timestamptz', { name: 'first_seen' })
  firstSeen: Date;
}
