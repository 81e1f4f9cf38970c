import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ScheduleEntity, type ScheduledJob } from '../entities/schedule.entity.js';
import type { AuthContext } from '../services/auth.service.js';
import type { Scope } from '../entities/token.entity.js';

export interface NewSchedule {
  name: string;
  cron: string;
  timezone: string;
  job: ScheduledJob;
  tags: string[];
  createdBy: string;
}

/** The fields PATCH may change; those absent stay as they are. */
export type SchedulePatch = Partial<Pick<ScheduleEntity, 'cron' | 'timezone' | 'enabled' | 'job' | 'tags'>>;

/** What keeping Redis in line with Postgres needs of a schedule. */
export type ScheduleTiming = Pick<ScheduleEntity, 'id' | 'cron' | 'timezone' | 'enabled'>;

/**
 * Writes that change what Redis must hold take this Postgres advisory lock shared, and the reconciliation
 * of every schedule with Redis takes it exclusively: a reconciliation never acts on a schedule list that a
 * write is changing under it.
 */
const SYNC_LOCK = 'bpfleet:schedules';

@Injectable()
export class ScheduleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts the schedule, then runs `sync` (which sets up its timer in Redis) before committing: when `sync`
   * throws, nothing is written. Null when another schedule has the name.
   */
  create(input: NewSchedule, sync: (schedule: ScheduleEntity) => Promise<void>): Promise<ScheduleEntity | null> {
    return this.dataSource.transaction(async (manager) => {
      await lockShared(manager);
      const [row]: { id: string }[] = await manager.query(
        `INSERT INTO schedules (name, cron, timezone, job, tags, created_by)
         VALUES ($1, $2, $3, $4::jsonb, $5::text[], $6)
         ON CONFLICT (name) DO NOTHING RETURNING id`,
        [input.name, input.cron, input.timezone, JSON.stringify(input.job), input.tags, input.createdBy],
      );
      if (!row) return null;
      const schedule = await manager.getRepository(ScheduleEntity).findOneByOrFail({ id: row.id });
      await sync(schedule);
      return schedule;
    });
  }

  /**
   * Applies `patch` to the schedule (locked meanwhile), then runs `sync(before, after)` before committing:
   * when `sync` throws, nothing changes. Null when there is no such schedule.
   */
  update(
    id: string,
    patch: SchedulePatch,
    sync: (before: ScheduleEntity, after: ScheduleEntity) => Promise<void>,
  ): Promise<ScheduleEntity | null> {
    return this.dataSource.transaction(async (manager) => {
      await lockShared(manager);
      const schedules = manager.getRepository(ScheduleEntity);
      // NO KEY UPDATE: a firing inserting a job that references this schedule need not wait for the write.
      const before = await schedules.findOne({ where: { id }, lock: { mode: 'for_no_key_update' } });
      if (!before) return null;
      const values: unknown[] = [id];
      const bind = (value: unknown) => `$${values.push(value)}`;
      const sets = ['updated_at = now()'];
      if (patch.cron !== undefined) sets.push(`cron = ${bind(patch.cron)}`);
      if (patch.timezone !== undefined) sets.push(`timezone = ${bind(patch.timezone)}`);
      if (patch.enabled !== undefined) sets.push(`enabled = ${bind(patch.enabled)}`);
      if (patch.job !== undefined) sets.push(`job = ${bind(JSON.stringify(patch.job))}::jsonb`);
      if (patch.tags !== undefined) sets.push(`tags = ${bind(patch.tags)}::text[]`);
      await manager.query(`UPDATE schedules SET ${sets.join(', ')} WHERE id = $1`, values);
      const after = await schedules.findOneByOrFail({ id });
      await sync(before, after);
      return after;
    });
  }

  /**
   * Deletes the schedule (its jobs stay, unlinked), then runs `sync` before committing: when `sync` throws,
   * nothing is deleted. False when there is no such schedule.
   */
  delete(id: string, sync: (schedule: ScheduleEntity) => Promise<void>): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await lockShared(manager);
      const schedules = manager.getRepository(ScheduleEntity);
      const schedule = await schedules.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!schedule) return false;
      await schedules.delete({ id });
      await sync(schedule);
      return true;
    });
  }

  /**
   * Runs `work` on the timing of every schedule while no write that changes Redis is in progress (and no
   * other replica reconciles).
   */
  withEveryTiming(work: (schedules: ScheduleTiming[]) => Promise<void>): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [SYNC_LOCK]);
      const schedules = await manager
        .getRepository(ScheduleEntity)
        .find({ select: { id: true, cron: true, timezone: true, enabled: true } });
      await work(schedules);
    });
  }

  getById(id: string): Promise<ScheduleEntity | null> {
    return this.dataSource.getRepository(ScheduleEntity).findOneBy({ id });
  }

  exists(id: string): Promise<boolean> {
    return this.dataSource.getRepository(ScheduleEntity).existsBy({ id });
  }

  /** The schedule and the role of the token that created it now (null when that token is gone). */
  /**
   * The schedule and the rights of the token that created it, as they are now: null rights when that token
   * was deleted, revoked or has expired (a schedule never outlives its creator's access).
   */
  async getWithCreator(id: string): Promise<{ schedule: ScheduleEntity; creator: AuthContext | null } | null> {
    const schedule = await this.getById(id);
    if (!schedule) return null;
    const [token]: { id: string; name: string; scopes: Scope[] }[] = schedule.createdBy
      ? await this.dataSource.query(
          `SELECT id, name, scopes FROM tokens
           WHERE id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
          [schedule.createdBy],
        )
      : [];
    return { schedule, creator: token ? { tokenId: token.id, tokenName: token.name, scopes: token.scopes } : null };
  }

  /** Newest first; `afterId` is the last schedule of the previous page. Reads one more row to know if there is a next page. */
  async list(limit: number, afterId?: string): Promise<{ items: ScheduleEntity[]; hasMore: boolean }> {
    const query = this.dataSource
      .getRepository(ScheduleEntity)
      .createQueryBuilder('s')
      .orderBy('s.created_at', 'DESC')
      .addOrderBy('s.id', 'DESC')
      .limit(limit + 1);
    if (afterId) query.where('(s.created_at, s.id) < (SELECT created_at, id FROM schedules WHERE id = :afterId)', { afterId });
    const rows = await query.getMany();
    return { items: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  /**
   * Records what a firing did: `error` null when it made its job. A firing handled late never overwrites
   * the record of a later tick.
   */
  async recordFiring(id: string, dueAt: Date, error: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE schedules SET last_fired_at = $2, last_error = $3
       WHERE id = $1 AND (last_fired_at IS NULL OR last_fired_at <= $2)`,
      [id, dueAt, error],
    );
  }

  /**
   * Ids of the schedule's jobs, newest first; `afterJobId` is the last job of the previous page. Reads one
   * more row to know if there is a next page.
   */
  async jobIds(scheduleId: string, limit: number, afterJobId?: string): Promise<{ ids: string[]; hasMore: boolean }> {
    const values: unknown[] = [scheduleId, limit + 1];
    const after = afterJobId ? `AND (created_at, id) < (SELECT created_at, id FROM jobs WHERE id = $${values.push(afterJobId)})` : '';
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM jobs WHERE schedule_id = $1 ${after} ORDER BY created_at DESC, id DESC LIMIT $2`,
      values,
    );
    return { ids: rows.slice(0, limit).map((row) => row.id), hasMore: rows.length > limit };
  }

  /** Whether the job was made by the schedule. */
  async isJobOf(scheduleId: string, jobId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM jobs WHERE id = $1 AND schedule_id = $2`, [jobId, scheduleId]);
    return rows.length > 0;
  }
}

async function lockShared(manager: EntityManager): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock_shared(hashtext($1))`, [SYNC_LOCK]);
}
