import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../../migrations/index.js';
import { ENTITIES } from '../entities/index.js';

export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'all',
    // The schema changes only through reviewed migrations.
    synchronize: false,
    migrationsRun: false,
    // A request waits at most 3 s for a connection, then fails (503): when Postgres is away, clients get an
    // answer instead of a request that hangs until their own timeout.
    extra: { max: 10, application_name: 'bpfleet-api', connectionTimeoutMillis: 3000 },
  };
}

/**
 * Applies every pending migration to the database at `databaseUrl`; returns the names applied (empty when
 * another process applied them first). Safe to run from several processes at once: they take turns.
 */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(databaseUrl));
  await dataSource.initialize();
  // Every API pod migrates before it starts (deploy/kubernetes), so replicas race. TypeORM has no lock of its
  // own: racers all see the same pending migrations and all but one fail on duplicate catalog rows. A session
  // advisory lock (scoped to this database) serializes them; closing the connection releases it.
  const lock = dataSource.createQueryRunner();
  try {
    await lock.query("SELECT pg_advisory_lock(hashtext('bpfleet:migrations'))");
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    return applied.map((migration) => migration.name);
  } finally {
    await lock.release();
    await dataSource.destroy();
  }
}
