/**
 * Throwaway Redis and Postgres for the fleet sections (8–10): each bench run gets servers of its own, so
 * INFO figures (connections, memory, commands, CPU) are the fleet's alone and nothing the tests use is touched.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, sh, startUntil, stop, type Started } from './lib.js';

export interface Services {
  redisUrl: string;
  databaseUrl: string;
  /** The redis-server's pid (its RSS and CPU are part of what section 10 reports). */
  redisPid: number;
  close(): Promise<void>;
}

/** The channel on which the bench trigger announces every run status change: `<runId> <status> <epoch ms>`. */
export const RUN_EVENTS_CHANNEL = 'bench_run_events';

/**
 * Records when Postgres itself wrote each run status (clock_timestamp(), inside the writing transaction) and
 * announces it, so the bench learns "stored" and "running visible" times from the database, not by polling.
 * Bench-only: installed in the throwaway database, never part of the schema.
 */
const RUN_EVENTS_TRIGGER = `
  CREATE FUNCTION bench_run_event() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
      PERFORM pg_notify('${RUN_EVENTS_CHANNEL}', NEW.id || ' ' || NEW.status || ' ' || (extract(epoch from clock_timestamp()) * 1000)::text);
    END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER bench_run_event AFTER INSERT OR UPDATE OF status ON runs FOR EACH ROW EXECUTE FUNCTION bench_run_event();
`;

function postgresBin(): string {
  const dir = sh('ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1');
  if (!dir) throw new Error('no Postgres server binaries under /usr/lib/postgresql (scripts/setup.sh installs them)');
  return dir;
}

/** Postgres refuses to run as root: the throwaway cluster belongs to the postgres user, as in scripts/services.sh. */
const asPostgres = (cmd: string, args: string[]) =>
  userInfo().uid === 0 ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' }) : execFileSync(cmd, args, { stdio: 'pipe' });

/**
 * Starts redis-server (append-only file with fsync every second, as scripts/services.sh runs it) and a Postgres
 * cluster with default settings (fsync and synchronous commit on), migrates the database and installs the bench
 * trigger. `close()` stops both and deletes their files.
 */
export async function startServices(): Promise<Services> {
  const dir = mkdtempSync(join(tmpdir(), 'bpfleet-fleet-'));
  const pgData = join(dir, 'pg');
  const bin = postgresBin();
  let redis: Started | undefined;
  let pgStarted = false;
  const close = async () => {
    if (redis) await stop(redis.child, 'SIGTERM');
    if (pgStarted) asPostgres(join(bin, 'pg_ctl'), ['-D', pgData, '-m', 'fast', '-w', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const redisPort = await freePort();
    redis = await startUntil(
      'redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--maxclients', '20000'],
      /Ready to accept connections/,
    );
    execFileSync('mkdir', ['-p', pgData]);
    if (userInfo().uid === 0) {
      const uid = Number(sh('id -u postgres'));
      const gid = Number(sh('id -g postgres'));
      chownSync(dir, uid, gid);
      chownSync(pgData, uid, gid);
    }
    asPostgres(join(bin, 'initdb'), ['-D', pgData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    const pgPort = await freePort();
    asPostgres(join(bin, 'pg_ctl'), ['-D', pgData, '-l', join(pgData, 'server.log'), '-w', '-t', '60', '-o', `-p ${pgPort} -k ${pgData} -c listen_addresses=127.0.0.1`, 'start']);
    pgStarted = true;
    const server = `postgres://postgres@127.0.0.1:${pgPort}`;
    const admin = new pg.Client({ connectionString: `${server}/postgres` });
    await admin.connect();
    await admin.query('CREATE DATABASE bpfleet_bench');
    await admin.end();
    const databaseUrl = `${server}/bpfleet_bench`;
    const { runMigrations } = await import('../apps/api/src/database/data-source.js');
    await runMigrations(databaseUrl);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(RUN_EVENTS_TRIGGER);
    await client.end();
    return { redisUrl: `redis://127.0.0.1:${redisPort}`, databaseUrl, redisPid: redis.child.pid!, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface RunEvent {
  runId: string;
  status: string;
  /** Epoch ms (µs precision) at which Postgres wrote the status. */
  at: number;
}

/** Listens to the bench trigger: every run status Postgres writes, as it is written. */
export async function listenRunEvents(databaseUrl: string, onEvent: (event: RunEvent) => void): Promise<{ close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  client.on('notification', (message) => {
    const [runId, status, at] = (message.payload ?? '').split(' ');
    if (runId && status && at) onEvent({ runId, status, at: Number(at) });
  });
  await client.query(`LISTEN ${RUN_EVENTS_CHANNEL}`);
  return { close: () => client.end() };
}
