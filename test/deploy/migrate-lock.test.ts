import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../apps/api/src/database/data-source.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { createTestDatabase, sql, type TestDatabase } from '../support/database.js';

// deploy/kubernetes runs the migrations in an init container of every API pod, so replicas that start
// together migrate at once. Without the lock, all but one failed on duplicate catalog rows (seen: 2 of 3).
describe('migrations started by several API pods at once', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ label: 'migrate_lock', migrate: false });
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('take turns: one applies every migration once, the others find nothing pending', async () => {
    const results = await Promise.all([runMigrations(database.url), runMigrations(database.url), runMigrations(database.url)]);

    expect(results.map((applied) => applied.length).sort((a, b) => a - b)).toEqual([0, 0, MIGRATIONS.length]);
    const rows = await sql<{ name: string }>(database.url, 'SELECT name FROM migrations ORDER BY id');
    expect(rows.map((row) => row.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
    expect(results.flat()).toEqual(MIGRATIONS.map((migration) => migration.name));
  });
});
