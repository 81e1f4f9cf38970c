import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TokensAndAudit1764700000000 implements MigrationInterface {
  name = 'TokensAndAudit1764700000000';

  async up(q: QueryRunner): Promise<void> {
    // Scopes replace the role, which was stored and never enforced: admin had everything, user could run.
    await q.query(`ALTER TABLE tokens ADD COLUMN scopes text[] NOT NULL DEFAULT '{read}'`);
    await q.query(`UPDATE tokens SET scopes = CASE role WHEN 'admin' THEN '{read,run,admin}'::text[] ELSE '{read,run}'::text[] END`);
    await q.query(`ALTER TABLE tokens ADD CONSTRAINT tokens_scopes_check CHECK (scopes <@ '{read,run,admin}'::text[] AND cardinality(scopes) > 0)`);
    await q.query(`ALTER TABLE tokens DROP COLUMN role`);
    await q.query(`ALTER TABLE tokens ADD COLUMN expires_at timestamptz`);
    await q.query(`ALTER TABLE tokens ADD COLUMN revoked_at timestamptz`);
    // The admin token of BPFLEET_ADMIN_TOKEN (or .data/admin.token) is one row whose hash follows the setting,
    // so changing the setting leaves the old token invalid.
    await q.query(`ALTER TABLE tokens ADD COLUMN bootstrap boolean NOT NULL DEFAULT false`);
    await q.query(`UPDATE tokens SET bootstrap = true WHERE id = (SELECT id FROM tokens WHERE name = 'admin' ORDER BY created_at LIMIT 1)`);
    await q.query(`DELETE FROM tokens WHERE name = 'admin' AND NOT bootstrap`);
    await q.query(`CREATE UNIQUE INDEX tokens_bootstrap_idx ON tokens (bootstrap) WHERE bootstrap`);
    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        token_id uuid,
        token_name text,
        method text NOT NULL,
        route text,
        path text NOT NULL,
        status integer NOT NULL,
        job_id uuid,
        tool text,
        hosts jsonb,
        params jsonb,
        remote_address text
      )`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP INDEX tokens_bootstrap_idx`);
    await q.query(`ALTER TABLE tokens DROP COLUMN bootstrap`);
    await q.query(`ALTER TABLE tokens DROP COLUMN revoked_at`);
    await q.query(`ALTER TABLE tokens DROP COLUMN expires_at`);
    await q.query(`ALTER TABLE tokens ADD COLUMN role text NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user'))`);
    await q.query(`UPDATE tokens SET role = 'admin' WHERE 'admin' = ANY (scopes)`);
    await q.query(`ALTER TABLE tokens DROP COLUMN scopes`);
  }
}
