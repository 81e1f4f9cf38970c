import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ScheduleState1764600000000 implements MigrationInterface {
  name = 'ScheduleState1764600000000';

  async up(q: QueryRunner): Promise<void> {
    // What the last firing did: a firing whose job could not be made (no host matched, Redis away, ...)
    // leaves no job behind, so its reason has to live on the schedule.
    await q.query(`ALTER TABLE schedules ADD COLUMN last_fired_at timestamptz`);
    await q.query(`ALTER TABLE schedules ADD COLUMN last_error text`);
    // GET /v1/schedules pages newest first.
    await q.query(`CREATE INDEX schedules_created_idx ON schedules (created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX schedules_created_idx`);
    await q.query(`ALTER TABLE schedules DROP COLUMN last_error`);
    await q.query(`ALTER TABLE schedules DROP COLUMN last_fired_at`);
  }
}
