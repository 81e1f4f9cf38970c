import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TagsAndChecks1764400000000 implements MigrationInterface {
  name = 'TagsAndChecks1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE job_tags (
        job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        tag text NOT NULL,
        tagged_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (job_id, tag)
      )`);
    // "Latest job with this tag" (baselines) and GET /v1/jobs?tag= start from the tag.
    await q.query(`CREATE INDEX job_tags_tag_idx ON job_tags (tag)`);
    await q.query(`CREATE INDEX jobs_tool_created_at_idx ON jobs (tool, created_at DESC)`);
    await q.query(`CREATE INDEX runs_host_idx ON runs (host)`);
    await q.query(`
      CREATE TABLE checks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tool text NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'done')),
        verdict text CHECK (verdict IN ('pass', 'fail', 'inconclusive')),
        baseline jsonb NOT NULL,
        thresholds jsonb NOT NULL,
        outcomes jsonb,
        baseline_job_id uuid REFERENCES jobs (id) ON DELETE SET NULL,
        candidate_job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        created_by uuid REFERENCES tokens (id) ON DELETE SET NULL,
        CHECK ((status = 'done') = (verdict IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX checks_created_at_id_idx ON checks (created_at DESC, id DESC)`);
    // The evaluator looks up the checks waiting on a job that just finished.
    await q.query(`CREATE INDEX checks_running_candidate_idx ON checks (candidate_job_id) WHERE status = 'running'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE checks`);
    await q.query(`DROP INDEX runs_host_idx`);
    await q.query(`DROP INDEX jobs_tool_created_at_idx`);
    await q.query(`DROP TABLE job_tags`);
  }
}
