import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ResultStreams1764800000000 implements MigrationInterface {
  name = 'ResultStreams1764800000000';

  async up(q: QueryRunner): Promise<void> {
    // Every job's feed, in the order GET /v1/jobs/:id/events replays it: each run status change (written by the
    // triggers below, whoever changes the status) and each stored chunk of rows. `xid` is the writing transaction's
    // id: entries older than the oldest transaction still running can no longer be joined by an earlier one, so
    // (xid, id) orders a prefix that never changes (docs: live events). A chunk's entry is also what makes its
    // ingest idempotent: one per (run_id, seq). job_id has no foreign key: run_id's cascades already.
    await q.query(`
      CREATE TABLE run_journal (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        job_id uuid NOT NULL,
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        at timestamptz NOT NULL DEFAULT now(),
        status text,
        seq integer CHECK (seq >= 0),
        row_count integer CHECK (row_count >= 0),
        CHECK ((status IS NULL) = (seq IS NOT NULL) AND (seq IS NULL) = (row_count IS NULL)),
        UNIQUE (run_id, seq)
      )`);
    await q.query(`CREATE INDEX run_journal_job_idx ON run_journal (job_id, xid, id)`);
    await q.query(`
      CREATE FUNCTION run_journal_inserted_runs() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO run_journal (job_id, run_id, status) SELECT job_id, id, status FROM new_runs;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION run_journal_updated_runs() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO run_journal (job_id, run_id, status)
          SELECT n.job_id, n.id, n.status FROM new_runs n JOIN old_runs o ON o.id = n.id
          WHERE o.status IS DISTINCT FROM n.status;
        RETURN NULL;
      END $$`);
    // Statement triggers: a sweep's thousand runs are journaled by one INSERT … SELECT, not a thousand calls.
    await q.query(`
      CREATE TRIGGER runs_journal_insert AFTER INSERT ON runs REFERENCING NEW TABLE AS new_runs
        FOR EACH STATEMENT EXECUTE FUNCTION run_journal_inserted_runs()`);
    await q.query(`
      CREATE TRIGGER runs_journal_update AFTER UPDATE ON runs REFERENCING OLD TABLE AS old_runs NEW TABLE AS new_runs
        FOR EACH STATEMENT EXECUTE FUNCTION run_journal_updated_runs()`);
    // Every API replica LISTENs: the notification goes out at commit, once per job and transaction, so a live view
    // on any replica wakes when the entries it will read are there.
    await q.query(`
      CREATE FUNCTION run_journal_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('bpfleet_journal', job_id::text) FROM (SELECT DISTINCT job_id FROM new_entries) jobs;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER run_journal_notify AFTER INSERT ON run_journal REFERENCING NEW TABLE AS new_entries
        FOR EACH STATEMENT EXECUTE FUNCTION run_journal_notify()`);

    // The rows of events runs, COPY'd in one chunk at a time. `at` is when the chunk was stored (the ingest
    // transaction's time), so a chunk always lands in today's partition whatever the agent's clock or the queue's
    // delay. `row` is json, not jsonb: rows are only ever read back whole, by run, and json keeps the agent's text
    // (its column order) without the binary conversion. No foreign key: a check per row would halve COPY, and the
    // journal entry written in the same transaction already checked the run. No primary key either: (run_id, seq)
    // in the journal is what keeps a chunk from being stored twice; the one index serves every read (a run's rows
    // in order).
    await q.query(`
      CREATE TABLE run_events (
        run_id uuid NOT NULL,
        seq integer NOT NULL,
        idx integer NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        row json NOT NULL
      ) PARTITION BY RANGE (at)`);
    await q.query(`CREATE INDEX run_events_run_idx ON run_events (run_id, seq, idx)`);
    // Retention drops whole daily partitions; the rows of tagged jobs in one are moved here first, and this
    // partition's range grows to the dropped one's end (RetentionRepository).
    await q.query(`
      DO $$
      DECLARE
        today timestamptz := date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
        day timestamptz;
      BEGIN
        EXECUTE format('CREATE TABLE run_events_kept PARTITION OF run_events FOR VALUES FROM (MINVALUE) TO (%L)', today);
        FOR i IN 0..2 LOOP
          day := today + make_interval(days => i);
          EXECUTE format('CREATE TABLE %I PARTITION OF run_events FOR VALUES FROM (%L) TO (%L)',
            'run_events_' || to_char(day AT TIME ZONE 'UTC', 'YYYYMMDD'), day, day + interval '1 day');
        END LOOP;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE run_events`);
    await q.query(`DROP TRIGGER run_journal_notify ON run_journal`);
    await q.query(`DROP TRIGGER runs_journal_update ON runs`);
    await q.query(`DROP TRIGGER runs_journal_insert ON runs`);
    await q.query(`DROP FUNCTION run_journal_notify()`);
    await q.query(`DROP FUNCTION run_journal_updated_runs()`);
    await q.query(`DROP FUNCTION run_journal_inserted_runs()`);
    await q.query(`DROP TABLE run_journal`);
  }
}
