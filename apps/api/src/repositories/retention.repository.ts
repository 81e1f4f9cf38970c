import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { RunStatus } from '../entities/run.entity.js';

/** A daily partition of run_events: its name and the UTC day it holds. */
export interface DayPartition {
  name: string;
  day: Date;
}

/** What deleting one job found: it did not exist, it is still going on (its runs' statuses), or it is gone. */
export type JobDeletion = { found: false } | { found: true; deleted: false; statuses: RunStatus[] } | { found: true; deleted: true };

const DAY_PARTITION = /^run_events_(\d{4})(\d{2})(\d{2})$/;
const DAY_MS = 24 * 3600 * 1000;
/** Runs of tagged jobs: their rows outlive the retention until the job is untagged. */
const TAGGED_RUNS = `SELECT r.id FROM runs r JOIN job_tags t ON t.job_id = r.job_id`;
/** Replicas take turns at moving partitions (the sweep runs on each). */
const PARTITIONS_LOCK = `SELECT pg_try_advisory_xact_lock(hashtext('bpfleet:retention')) AS locked`;

/** The retention sweep's and DELETE /v1/jobs/:id's statements. */
@Injectable()
export class RetentionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The daily partitions of run_events, oldest first (`run_events_kept` is not one). */
  async dayPartitions(): Promise<DayPartition[]> {
    const rows: { name: string }[] = await this.dataSource.query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'run_events'::regclass`,
    );
    return rows
      .flatMap(({ name }) => {
        const match = DAY_PARTITION.exec(name);
        return match ? [{ name, day: new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) }] : [];
      })
      .sort((a, b) => a.day.getTime() - b.day.getTime());
  }

  /**
   * Drops the partition, keeping the rows of tagged jobs: those are moved into `run_events_kept`, whose range then
   * grows to the dropped day's end (a partition's range cannot overlap another's, so it is detached meanwhile).
   * Call it for the oldest partition first. Returns false when another replica is moving partitions right now.
   */
  async dropPartition(partition: DayPartition): Promise<boolean> {
    const name = partition.name;
    if (!DAY_PARTITION.test(name)) throw new Error(`not a daily partition of run_events: ${name}`);
    const end = new Date(partition.day.getTime() + DAY_MS).toISOString();
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }]: { locked: boolean }[] = await manager.query(PARTITIONS_LOCK);
      if (!locked) return false;
      // Dropping and detaching lock the whole table: wait for ingest and reads in progress, but not forever.
      await manager.query(`SET LOCAL lock_timeout = '30s'`);
      const [{ exists }]: { exists: boolean }[] = await manager.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [name]);
      if (!exists) return true;
      // From the few tagged runs into the partition's index, not a scan of the partition.
      const [{ tagged }]: { tagged: boolean }[] = await manager.query(
        `SELECT EXISTS (SELECT 1 FROM (${TAGGED_RUNS}) k WHERE EXISTS (SELECT 1 FROM ${name} e WHERE e.run_id = k.id)) AS tagged`,
      );
      if (tagged) await this.keepTaggedRows(manager, name, end);
      else await manager.query(`DROP TABLE ${name}`);
      return true;
    });
  }

  /**
   * Deletes up to `limit` jobs created before `before` that have no tag and no run still queued or running, with
   * their runs, results and journal (by cascade). Their rows go with their partitions. Returns how many.
   */
  async deleteOldJobs(before: Date, limit: number): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM jobs WHERE id IN (
         SELECT j.id FROM jobs j
         WHERE j.created_at < $1
           AND NOT EXISTS (SELECT 1 FROM job_tags t WHERE t.job_id = j.id)
           AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.job_id = j.id AND r.status IN ('queued', 'running'))
         ORDER BY j.created_at LIMIT $2)`,
      [before, limit],
    );
    return count;
  }

  /** Deletes the kept rows of runs that are gone (their job was untagged, then deleted). Returns how many. */
  async deleteOrphanKeptRows(): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM run_events_kept e WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = e.run_id)`,
    );
    return count;
  }

  /**
   * Deletes a finished job with its runs, results, journal and rows, in one transaction; a job with a run still
   * queued or running is left alone. Its runs are locked first, so no status change or chunk slips in meanwhile.
   */
  deleteJob(jobId: string): Promise<JobDeletion> {
    return this.dataSource.transaction(async (manager) => {
      const runs: { id: string; status: RunStatus }[] = await manager.query(`SELECT id, status FROM runs WHERE job_id = $1 FOR UPDATE`, [jobId]);
      const statuses = runs.map((run) => run.status);
      if (statuses.some((status) => status === 'queued' || status === 'running')) return { found: true, deleted: false, statuses };
      // The span of the chunks' `at` bounds the partitions to look in.
      await manager.query(
        `DELETE FROM run_events e USING (
           SELECT min(at) AS first, max(at) AS last FROM run_journal WHERE job_id = $1 AND seq IS NOT NULL
         ) span
         WHERE e.run_id = ANY($2::uuid[]) AND e.at BETWEEN span.first AND span.last`,
        [jobId, runs.map((run) => run.id)],
      );
      const [, deleted]: [unknown, number] = await manager.query(`DELETE FROM jobs WHERE id = $1`, [jobId]);
      return deleted > 0 ? { found: true, deleted: true } : { found: false };
    });
  }

  private async keepTaggedRows(manager: EntityManager, name: string, end: string): Promise<void> {
    await manager.query(`ALTER TABLE run_events DETACH PARTITION run_events_kept`);
    await manager.query(`INSERT INTO run_events_kept SELECT e.* FROM ${name} e WHERE e.run_id IN (${TAGGED_RUNS})`);
    await manager.query(`DROP TABLE ${name}`);
    await manager.query(`ALTER TABLE run_events ATTACH PARTITION run_events_kept FOR VALUES FROM (MINVALUE) TO ('${end}')`);
  }
}
