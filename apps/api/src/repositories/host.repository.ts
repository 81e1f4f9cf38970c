import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import type { HostHeartbeat } from '../../../../libs/contracts/src/index.js';
import { HostEntity } from '../entities/host.entity.js';

@Injectable()
export class HostRepository {
  constructor(@InjectRepository(HostEntity) private readonly hosts: Repository<HostEntity>) {}

  /** Every host, or those whose labels include all of `labels` (jsonb containment), by name. */
  getAll(labels?: Record<string, string>): Promise<HostEntity[]> {
    const query = this.hosts.createQueryBuilder('host').orderBy('host.name', 'ASC');
    if (labels) query.where('host.labels @> :labels::jsonb', { labels: JSON.stringify(labels) });
    return query.getMany();
  }

  getByNames(names: string[]): Promise<HostEntity[]> {
    return names.length === 0 ? Promise.resolve([]) : this.hosts.findBy({ name: In(names) });
  }

  /**
   * Upserts the hosts of these heartbeats in one statement. `last_seen` never moves backwards,
   * so a stale copy of a heartbeat cannot make a live host look older.
   */
  async upsertHeartbeats(heartbeats: HostHeartbeat[]): Promise<void> {
    if (heartbeats.length === 0) return;
    const rows = heartbeats.map((beat) => ({
      name: beat.name,
      labels: beat.labels,
      kernel: beat.kernel,
      capabilities: beat.capabilities,
      agentVersion: beat.agentVersion,
      lastSeen: beat.at,
    }));
    await this.hosts.query(
      `INSERT INTO hosts (name, labels, kernel, capabilities, agent_version, last_seen, first_seen)
       SELECT r.name, r.labels, r.kernel, r.capabilities, r."agentVersion", LEAST(r."lastSeen", now()), now()
       FROM jsonb_to_recordset($1::jsonb)
         AS r(name text, labels jsonb, kernel text, capabilities jsonb, "agentVersion" text, "lastSeen" timestamptz)
       ON CONFLICT (name) DO UPDATE SET
         labels = excluded.labels,
         kernel = excluded.kernel,
         capabilities = excluded.capabilities,
         agent_version = excluded.agent_version,
         last_seen = GREATEST(hosts.last_seen, excluded.last_seen)`,
      [JSON.stringify(rows)],
    );
  }

  /**
   * Moves `last_seen` of these hosts to their heartbeat time (never backwards, never into the future), leaving
   * the rest of their rows as they are: the cheap write for a host that only beat again. Returns the names whose
   * row exists (every other name was not written).
   */
  async touchLastSeen(beats: readonly { name: string; at: string }[]): Promise<string[]> {
    if (beats.length === 0) return [];
    const [rows]: [{ name: string }[], number] = await this.hosts.query(
      `UPDATE hosts h SET last_seen = GREATEST(h.last_seen, LEAST(beat.at, now()))
       FROM unnest($1::text[], $2::timestamptz[]) AS beat(name, at)
       WHERE h.name = beat.name
       RETURNING h.name`,
      [beats.map((beat) => beat.name), beats.map((beat) => beat.at)],
    );
    return rows.map((row) => row.name);
  }
}
