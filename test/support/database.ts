import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runMigrations } from '../../apps/api/src/database/data-source.js';

export interface TestDatabase {
  /** postgres://… of the fresh database. */
  url: string;
  name: string;
  /** Drops the database (closing whatever still uses it). Idempotent. */
  drop(): Promise<void>;
}

/** The server of DATABASE_URL (what `./dev.sh test` exports), else the local dev Postgres. */
export function postgresServerUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5490/postgres';
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  // The maintenance database always exists; the one in DATABASE_URL may be the one being dropped.
  const client = new pg.Client({ connectionString: withDatabase(postgresServerUrl(), 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a uniquely named database on the test Postgres server and, unless `migrate: false`, applies
 * every migration to it. Call `drop()` in afterAll.
 */
export async function createTestDatabase(options: { label?: string; migrate?: boolean } = {}): Promise<TestDatabase> {
  const label = (options.label ?? 'test').toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 20);
  const name = `bpfleet_${label}_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = withDatabase(postgresServerUrl(), name);
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  };
  if (options.migrate !== false) {
    try {
      await runMigrations(url);
    } catch (error) {
      await drop();
      throw error;
    }
  }
  return { url, name, drop };
}

/** Runs one query on `url` with a short-lived connection (for assertions on rows). */
export async function sql<T = Record<string, unknown>>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}
