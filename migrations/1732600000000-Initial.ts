import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1732600000000 implements MigrationInterface {
  name = 'Initial1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await q.query(`
      CREATE TABLE tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'user')),
        hash char(64) NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE hosts (
        name text PRIMARY KEY,
        labels jsonb NOT NULL DEFAULT '{}',
        kernel text NOT NULL DEFAULT '',
        capabilities jsonb NOT NULL DEFAULT '{}',
        agent_version text NOT NULL DEFAULT '',
        last_seen timestamptz NOT NULL,
        first_seen timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tool text NOT NULL,
        params jsonb NOT NULL DEFAULT '{}',
        duration_sec integer NOT NULL CHECK (duration_sec > 0),
        status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'partial', 'cancelled')),
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid REFERENCES tokens (id) ON DELETE SET NULL
      )`);
    // Keyset pagination walks (created_at, id) newest first.
    await q.query(`CREATE INDEX jobs_created_at_id_idx ON jobs (created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        host text NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        started_at timestamptz,
        finished_at timestamptz,
        error text,
        stats jsonb
      )`);
    await q.query(`CREATE INDEX runs_job_id_idx ON runs (job_id)`);
    // The reaper scans running runs only.
    await q.query(`CREATE INDEX runs_running_idx ON runs (host) WHERE status = 'running'`);
    await q.query(`
      CREATE TABLE run_results (
        run_id uuid PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        kind text NOT NULL,
        result jsonb NOT NULL,
        stored_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE run_results`);
    await q.query(`DROP TABLE runs`);
    await q.query(`DROP TABLE jobs`);
    await q.query(`DROP TABLE hosts`);
    await q.query(`DROP TABLE tokens`);
  }
}
