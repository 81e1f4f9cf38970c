import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Fleet1764500000000 implements MigrationInterface {
  name = 'Fleet1764500000000';

  async up(q: QueryRunner): Promise<void> {
    // skipped: the host was offline or lacked a capability when the job was dispatched; expired: the run
    // was still queued when its job's dispatch timeout ended.
    await q.query(`ALTER TABLE runs DROP CONSTRAINT runs_status_check`);
    await q.query(`
      ALTER TABLE runs ADD CONSTRAINT runs_status_check
        CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'skipped', 'expired'))`);
    // The expiry sweep scans queued runs only.
    await q.query(`CREATE INDEX runs_queued_idx ON runs (job_id) WHERE status = 'queued'`);
    await q.query(`
      CREATE TABLE schedules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        cron text NOT NULL,
        timezone text,
        enabled boolean NOT NULL DEFAULT true,
        job jsonb NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid REFERENCES tokens (id) ON DELETE SET NULL
      )`);
    // How the job chose its hosts ({ hosts } | { selector } | { all }), so a sweep can be read back as asked.
    await q.query(`ALTER TABLE jobs ADD COLUMN target jsonb`);
    await q.query(`ALTER TABLE jobs ADD COLUMN dispatch_timeout_sec integer NOT NULL DEFAULT 300 CHECK (dispatch_timeout_sec > 0)`);
    await q.query(`ALTER TABLE jobs ADD COLUMN schedule_id uuid REFERENCES schedules (id) ON DELETE SET NULL`);
    // One firing of a schedule makes one job, whichever API replica handles it.
    await q.query(`ALTER TABLE jobs ADD COLUMN schedule_fire_key text UNIQUE`);
    await q.query(`CREATE INDEX jobs_schedule_idx ON jobs (schedule_id, created_at DESC) WHERE schedule_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX jobs_schedule_idx`);
    await q.query(`ALTER TABLE jobs DROP COLUMN schedule_fire_key`);
    await q.query(`ALTER TABLE jobs DROP COLUMN schedule_id`);
    await q.query(`ALTER TABLE jobs DROP COLUMN dispatch_timeout_sec`);
    await q.query(`ALTER TABLE jobs DROP COLUMN target`);
    await q.query(`DROP TABLE schedules`);
    await q.query(`DROP INDEX runs_queued_idx`);
    await q.query(`ALTER TABLE runs DROP CONSTRAINT runs_status_check`);
    await q.query(`
      ALTER TABLE runs ADD CONSTRAINT runs_status_check
        CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled'))`);
  }
}
