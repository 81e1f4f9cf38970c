import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, loadMigrateConfig } from '../../apps/api/src/config.js';
import { loadWorkerConfig } from '../../apps/worker/src/config.js';
import { parseEnvFile } from './kubernetes-manifests.js';
import { AGENT_HOST_MOUNTS, CREDENTIAL_VARIABLES } from './requirements.js';

const ROOT = resolve(import.meta.dirname, '../..');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const MAKE_ENV = join(ROOT, 'deploy/compose/make-env.sh');

/** `docker-compose config` output: the parts checked here. */
interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  privileged?: boolean;
  pid?: string;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}

// No Docker engine runs here: `docker-compose config` validates and interpolates the file without one.
const hasDockerCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

/** docker-compose with only PATH and HOME: the developer's own REDIS_PASSWORD and such must not leak in. */
function dockerCompose(envFile: string, ...args: string[]) {
  return spawnSync('docker-compose', ['--env-file', envFile, '--file', COMPOSE_FILE, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
}

describe.skipIf(!hasDockerCompose)('docker-compose.yml (checked with docker-compose config; no engine runs)', () => {
  let scratch: string;
  let credentials: Record<string, string>;
  let services: Record<string, ComposeService>;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'bpfleet-compose-'));
    const envFile = join(scratch, '.env');
    // The documented way to make the credentials.
    const made = spawnSync('bash', [MAKE_ENV, envFile], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    credentials = parseEnvFile(readFileSync(envFile, 'utf8'));
    const config = dockerCompose(envFile, 'config');
    expect(config.status, config.stderr).toBe(0);
    services = (load(config.stdout) as { services: Record<string, ComposeService> }).services;
  });

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('is valid (docker-compose config -q) and holds redis, postgres, migrate, api, the agent and its credential', () => {
    expect(dockerCompose(join(scratch, '.env'), 'config', '--quiet').status).toBe(0);
    expect(Object.keys(services).sort()).toEqual(['agent', 'agent-credentials', 'api', 'migrate', 'postgres', 'redis']);
  });

  it('make-env.sh gives every credential its own random URL-safe value', () => {
    const values = [credentials.REDIS_PASSWORD, credentials.POSTGRES_PASSWORD, credentials.BPFLEET_ADMIN_TOKEN];
    for (const value of values) expect(value).toMatch(/^[0-9a-f]{48}$/);
    expect(new Set(values).size).toBe(3);
  });

  it('refuses to run without the credentials, naming the missing one', () => {
    const empty = join(scratch, 'empty.env');
    writeFileSync(empty, '');
    const result = dockerCompose(empty, 'config', '--quiet');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/set (REDIS|POSTGRES)_PASSWORD in \.env/);
  });

  it('starts Redis and Postgres with the passwords every client connects with; the agent never gets the Redis one', () => {
    const { redis, postgres, api, agent, migrate } = services;
    // Its ACL file's `default` user is written from REDIS_PASSWORD at every start.
    expect(redis!.environment?.REDIS_PASSWORD).toBe(credentials.REDIS_PASSWORD);
    expect(redis!.command!.join('\n')).toMatch(/exec redis-server --aclfile .* --appendonly yes --maxmemory-policy noeviction/);
    expect(redis!.environment?.REDISCLI_AUTH).toBe(credentials.REDIS_PASSWORD);
    expect(new URL(api!.environment!.REDIS_URL!).password).toBe(credentials.REDIS_PASSWORD);
    expect(new URL(services['agent-credentials']!.environment!.REDIS_URL!).password).toBe(credentials.REDIS_PASSWORD);
    expect(new URL(agent!.environment!.REDIS_URL!).password).toBe('');
    expect(postgres!.environment?.POSTGRES_PASSWORD).toBe(credentials.POSTGRES_PASSWORD);
    expect(new URL(api!.environment!.DATABASE_URL!).password).toBe(credentials.POSTGRES_PASSWORD);
    expect(new URL(migrate!.environment!.DATABASE_URL!).password).toBe(credentials.POSTGRES_PASSWORD);
  });

  it('gives the API and the migrations everything their config requires; the API starts after the migrations', () => {
    const { api, migrate } = services;
    const config = loadConfig(api!.environment);
    expect(config.host).toBe('0.0.0.0');
    expect(config.adminToken).toBe(credentials.BPFLEET_ADMIN_TOKEN);
    expect(loadMigrateConfig(migrate!.environment).databaseUrl).toBe(config.databaseUrl);
    expect(migrate!.command).toEqual(['node', 'dist/apps/api/src/migrate.js']);
    expect(api!.depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
  });

  it('runs the agent privileged in the host pid namespace, with the kernel filesystems, its name and labels', () => {
    const { agent } = services;
    expect(agent!.privileged).toBe(true);
    expect(agent!.pid).toBe('host');
    expect(agent!.volumes).toEqual(expect.arrayContaining(AGENT_HOST_MOUNTS.map(({ path, readOnly }) => `${path}:${path}:${readOnly ? 'ro' : 'rw'}`)));
    const config = loadWorkerConfig(agent!.environment);
    expect(config.hostName).toBe('docker-host');
    expect(config.labels).toEqual({ platform: 'compose' });
    expect(config.allowCustomPrograms).toBe(false);
    // Agents talk to Redis only, as their own user: its credential file, made by the agent-credentials service.
    expect(Object.keys(agent!.environment ?? {}).filter((name) => (CREDENTIAL_VARIABLES as readonly string[]).includes(name))).toEqual([
      'REDIS_URL',
    ]);
    expect(config.credentialsFile).toBe('/credentials/agent-credentials.json');
    expect(agent!.volumes).toContain('agent-credentials:/credentials:ro');
    const provision = services['agent-credentials']!;
    expect(provision.volumes).toContain('agent-credentials:/credentials:rw');
    expect(provision.command!.join(' ')).toContain('agent-credentials.js provision "$$BPFLEET_HOST_NAME" --out /credentials/agent-credentials.json');
    expect(provision.environment?.BPFLEET_HOST_NAME).toBe(config.hostName);
    expect(agent!.depends_on?.['agent-credentials']).toEqual({ condition: 'service_completed_successfully' });
  });
});
