import { hostname } from 'node:os';
import { HOST_NAME_PATTERN } from '../../../libs/contracts/src/index.js';

/** The agent's configuration. The only place in the agent that reads `process.env`. */
export interface WorkerConfig {
  redisUrl: string;
  hostName: string;
  labels: Record<string, string>;
  queuePrefix: string;
  heartbeatMs: number;
  /** Runs this agent executes at once; each holds its own BPF objects. */
  concurrency: number;
  /** How often the cancel keys of the runs in progress are read, in case a pub/sub nudge was missed. */
  cancelPollMs: number;
  logLevel: string;
  /**
   * BPFLEET_ALLOW_CUSTOM_PROGRAMS: run programs a caller wrote (the bpftrace tool). Off by default: such a
   * program reads any kernel or process memory, so the operator opts each host in.
   */
  allowCustomPrograms: boolean;
}

export class ConfigError extends Error {}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of text.split(',').filter(Boolean)) {
    const [key, value, ...rest] = pair.split('=');
    if (!key || value === undefined || rest.length > 0) {
      throw new ConfigError(`BPFLEET_HOST_LABELS: "${pair}" is not key=value (labels are comma-separated key=value pairs)`);
    }
    labels[key.trim()] = value.trim();
  }
  return labels;
}

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name} must be a positive integer, got "${text}"`);
  return value;
}

function strictBoolean(name: string, text: string | undefined): boolean {
  if (text === undefined || text === '' || text === 'false') return false;
  if (text === 'true') return true;
  throw new ConfigError(`${name} must be true or false, got "${text}"`);
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const redisUrl = env.REDIS_URL;
  if (!redisUrl) throw new ConfigError('REDIS_URL is required (e.g. redis://127.0.0.1:6379); agents talk to Redis only');
  if (!/^rediss?:\/\//.test(redisUrl)) throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, got "${redisUrl}"`);
  const hostName = env.BPFLEET_HOST_NAME || hostname();
  if (!HOST_NAME_PATTERN.test(hostName)) {
    throw new ConfigError(`BPFLEET_HOST_NAME "${hostName}" must match ${HOST_NAME_PATTERN} (it becomes a queue name)`);
  }
  return {
    redisUrl,
    hostName,
    labels: parseLabels(env.BPFLEET_HOST_LABELS ?? ''),
    queuePrefix: env.BPFLEET_QUEUE_PREFIX || 'bpfleet',
    heartbeatMs: positiveInt('BPFLEET_HEARTBEAT_SEC', env.BPFLEET_HEARTBEAT_SEC, 5) * 1000,
    concurrency: positiveInt('BPFLEET_AGENT_CONCURRENCY', env.BPFLEET_AGENT_CONCURRENCY, 4),
    cancelPollMs: positiveInt('BPFLEET_CANCEL_POLL_MS', env.BPFLEET_CANCEL_POLL_MS, 2000),
    logLevel: env.LOG_LEVEL || 'info',
    allowCustomPrograms: strictBoolean('BPFLEET_ALLOW_CUSTOM_PROGRAMS', env.BPFLEET_ALLOW_CUSTOM_PROGRAMS),
  };
}

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');
