import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_EVENT_BUDGET_CAPS, DEFAULT_MAX_EVENTS, DEFAULT_MAX_EVENTS_PER_SEC, type EventBudgetCaps } from '../../../libs/tools/src/event-budget.js';

/** Everything the API reads from its environment, validated once at boot. */
export interface ApiConfig {
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string;
  /** First admin token; when absent one is generated once and kept in `<dataDir>/admin.token`. */
  adminToken?: string;
  dataDir: string;
  /** Upper bound of `durationSec` on POST /v1/jobs. */
  maxDurationSec: number;
  /** Upper bounds of the event budget params (`maxEvents`, `maxEventsPerSec`) of events tools' jobs. */
  eventBudgetCaps: EventBudgetCaps;
  /** BullMQ key prefix (and heartbeat hash namespace): lets tests and several fleets share one Redis. */
  queuePrefix: string;
  /** A host is online iff its last heartbeat is younger than this. */
  hostOfflineSec: number;
  /** How often the API copies agent heartbeats from Redis into Postgres. */
  hostSyncIntervalMs: number;
  /** How often the reaper looks for runs whose agent died. */
  reaperIntervalMs: number;
  /** Extra time a run may stay `running` past its durationSec before the reaper fails it. */
  runGraceSec: number;
  /** Mutating requests a token may make per minute, across every API replica (429 with Retry-After beyond). */
  rateLimitPerMin: number;
  /** Default of a job's dispatchTimeoutSec: how long a run may stay queued before it ends `expired`. */
  dispatchTimeoutSec: number;
  /** How often checks whose candidate job ended are looked for (they are also judged as their runs report). */
  checkIntervalMs: number;
  /** How often schedules in Postgres and their timers in Redis are brought in line (also done at boot). */
  scheduleReconcileMs: number;
  /**
   * BPFLEET_RETENTION_DAYS: rows of events runs (whole daily partitions) and jobs older than this are deleted, except
   * tagged jobs and their rows, kept until untagged.
   */
  retentionDays: number;
  /** How often the retention sweep runs (it also makes the next days' partitions). */
  retentionIntervalMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
// Source runs from apps/api/src, the build from dist/apps/api/src: the repo root is 3 or 4 levels up.
const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO_ROOT = resolve(HERE, HERE.includes('/dist/apps/') ? '../../../..' : '../../..');

type Env = Record<string, string | undefined>;

/**
 * Reads and validates the API's configuration. This is the only place the API reads `process.env`;
 * tests pass their own `env` instead.
 */
export function loadConfig(env: Env = process.env): ApiConfig {
  const problems: string[] = [];

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer in ${min}..${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };

  const url = (name: string, protocols: string[]): string => {
    const raw = env[name];
    if (!raw) {
      problems.push(`${name} is required (e.g. ${protocols[0]}//...)`);
      return '';
    }
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must start with ${protocols.join(' or ')}, got "${parsed.protocol}"`);
      }
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return raw;
  };

  const port = int('PORT', 8080, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const redisUrl = url('REDIS_URL', ['redis:', 'rediss:']);

  const adminToken = env.BPFLEET_ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && adminToken.length < 16) {
    problems.push('BPFLEET_ADMIN_TOKEN must be at least 16 characters');
  }

  const dataDirRaw = env.BPFLEET_DATA_DIR || resolve(REPO_ROOT, '.data');
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(dataDirRaw);

  const queuePrefix = env.BPFLEET_QUEUE_PREFIX || 'bpfleet';
  if (!/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/.test(queuePrefix)) {
    problems.push(`BPFLEET_QUEUE_PREFIX must match [a-zA-Z0-9][a-zA-Z0-9._-]{0,62}, got "${queuePrefix}"`);
  }

  const logLevel = (env.LOG_LEVEL || 'info') as ApiConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }

  const config: ApiConfig = {
    port,
    host,
    databaseUrl,
    redisUrl,
    adminToken,
    dataDir,
    maxDurationSec: int('BPFLEET_MAX_DURATION_SEC', 3600, 1, 7 * 24 * 3600),
    // A cap below the param's default would refuse every job that leaves the param out.
    eventBudgetCaps: {
      maxEvents: int('BPFLEET_MAX_EVENTS', DEFAULT_EVENT_BUDGET_CAPS.maxEvents, DEFAULT_MAX_EVENTS, 100_000_000),
      maxEventsPerSec: int('BPFLEET_MAX_EVENTS_PER_SEC', DEFAULT_EVENT_BUDGET_CAPS.maxEventsPerSec, DEFAULT_MAX_EVENTS_PER_SEC, 10_000_000),
    },
    queuePrefix,
    hostOfflineSec: int('BPFLEET_HOST_OFFLINE_SEC', 15, 1, 86400),
    hostSyncIntervalMs: int('BPFLEET_HOST_SYNC_INTERVAL_MS', 2000, 100, 600_000),
    reaperIntervalMs: int('BPFLEET_REAPER_INTERVAL_MS', 5000, 100, 600_000),
    runGraceSec: int('BPFLEET_RUN_GRACE_SEC', 60, 0, 86400),
    checkIntervalMs: int('BPFLEET_CHECK_INTERVAL_MS', 2000, 100, 600_000),
    scheduleReconcileMs: int('BPFLEET_SCHEDULE_RECONCILE_MS', 60_000, 1000, 86_400_000),
    retentionDays: int('BPFLEET_RETENTION_DAYS', 30, 1, 36_500),
    retentionIntervalMs: int('BPFLEET_RETENTION_INTERVAL_MS', 3_600_000, 1000, 86_400_000),
    dispatchTimeoutSec: int('BPFLEET_DISPATCH_TIMEOUT_SEC', 300, 1, 7 * 24 * 3600),
    rateLimitPerMin: int('BPFLEET_RATE_LIMIT_PER_MIN', 120, 1, 1_000_000),
    logLevel,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** What `migrate.js` needs: only the database. */
export function loadMigrateConfig(env: Env = process.env): Pick<ApiConfig, 'databaseUrl'> {
  const raw = env.DATABASE_URL;
  if (!raw || !/^postgres(ql)?:\/\//.test(raw)) {
    throw new ConfigError(['DATABASE_URL is required and must start with postgres://']);
  }
  return { databaseUrl: raw };
}
