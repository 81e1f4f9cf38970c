import { execFile, execFileSync } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { chownSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * A Redis and a Postgres of the faults suite's own, on free ports in a temp dir, which it stops and restarts at
 * will without touching the services every other suite shares (set up as scripts/services.sh sets up ./dev.sh's:
 * Redis with a password, an ACL file and an append-only file).
 */

const run = promisify(execFile);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no free port');
  return address.port;
}

export interface PrivateRedis {
  /** The admin's URL (its `default` user, with the password). */
  url: string;
  /** Stops it as an operator would (SHUTDOWN: the append-only file is complete), then starts it again on the same port. */
  restart(pauseMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'bpfleet-faults-redis-'));
  const port = await freePort();
  const password = randomBytes(24).toString('hex');
  const acl = join(dir, 'users.acl');
  writeFileSync(acl, `user default on #${createHash('sha256').update(password).digest('hex')} ~* &* +@all\n`, { mode: 0o600 });
  const cli = (...args: string[]) =>
    run('redis-cli', ['--no-auth-warning', '-p', String(port), ...args], { env: { ...process.env, REDISCLI_AUTH: password } });
  const start = async () => {
    await run('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--aclfile', acl, '--appendonly', 'yes',
      '--save', '', '--maxmemory-policy', 'noeviction', '--daemonize', 'yes', '--logfile', join(dir, 'redis.log'),
    ]);
    for (let i = 0; i < 100; i++) {
      if ((await cli('ping').catch(() => ({ stdout: '' }))).stdout.trim() === 'PONG') return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`private redis on ${port} did not start (see ${dir}/redis.log)`);
  };
  const stop = () => cli('shutdown').catch(() => undefined);
  await start();
  return {
    url: `redis://:${password}@127.0.0.1:${port}`,
    async restart(pauseMs) {
      await stop();
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      await start();
    },
    async close() {
      await cli('shutdown', 'nosave').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivatePostgres {
  /** The server's URL (database `postgres`). */
  url: string;
  /** Stops it (fast shutdown: connections dropped), waits `pauseMs`, starts it again. */
  stopFor(pauseMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Postgres refuses to run as root: the cluster belongs to the postgres user, as ./dev.sh's does. */
const asPostgres = (file: string, args: string[]) =>
  process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', file, ...args]) : run(file, args);

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort().at(-1)!, 'bin');
  const dir = mkdtempSync(join(tmpdir(), 'bpfleet-faults-pg-'));
  if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })));
  const port = await freePort();
  await asPostgres(join(bin, 'initdb'), ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  const pgCtl = (...args: string[]) => asPostgres(join(bin, 'pg_ctl'), ['-D', dir, ...args]);
  const start = () => pgCtl('-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start');
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stopFor(pauseMs) {
      await pgCtl('-m', 'fast', '-w', 'stop');
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      await start();
    },
    async close() {
      await pgCtl('-m', 'immediate', '-w', 'stop').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
