import { hostname } from 'node:os';
import { pino } from 'pino';
import { HOST_NAME_PATTERN, LABEL_PATTERN, MAX_CHUNK_ROWS } from '../../../libs/contracts/src/index.js';

/** The agent's configuration. The only place in the agent that reads `process.env`. */
import { DEFAULT_EVENT_BUDGET_CAPS, type EventBudgetCaps } from '../../../libs/tools/src/event-budget.js';
import { BACKLOG_CHUNK_FACTOR, type ChunkOptions } from './chunk-writer.js';

export interface WorkerConfig {
  /** Where Redis is. The agent logs in with its own user and password from {@link credentialsFile}. */
  redisUrl: string;
  /**
   * BPFLEET_AGENT_CREDENTIALS_FILE: this agent's credential, as `agent-credentials provision` writes it (mode 0600;
   * default /etc/bpfleet/agent-credentials.json). Read at start by credentials.ts.
   */
  credentialsFile: string;
  hostName: string;
  /** BPFLEET_LABELS (`role=db,zone=a`), published in every heartbeat; selectors match them. */
  labels: Record<string, string>;
  queuePrefix: string;
  heartbeatMs: number;
  /** BPFLEET_AGENT_CONCURRENCY: runs this agent executes at once (default 2); more wait in its queue. */
  concurrency: number;
  /** How often the cancel keys of the runs in progress are read, in case a pub/sub nudge was missed. */
  cancelPollMs: number;
  logLevel: string;
  /**
   * BPFLEET_ALLOW_CUSTOM_PROGRAMS: run programs a caller wrote (the bpftrace tool). Off by default: such a
   * program reads any kernel or process memory, so the operator opts each host in.
   */
  allowCustomPrograms: boolean;
  /**
   * The API's bounds, re-checked on every run the agent takes (its queue is not trusted blindly): the longest
   * run (BPFLEET_MAX_DURATION_SEC) and the event budget caps (BPFLEET_MAX_EVENTS, BPFLEET_MAX_EVENTS_PER_SEC),
   * with the API's defaults. Set them like the API's on hosts where the API's are changed.
   */
  maxDurationSec: number;
  eventBudgetCaps: EventBudgetCaps;
  /** How an events run's rows are cut into chunk messages: BPFLEET_CHUNK_ROWS, BPFLEET_CHUNK_FLUSH_MS. */
  chunks: ChunkOptions;
}

export class ConfigError extends Error {}

/**
 * Each run holds its own BPF objects, maps and ring buffers, and a profile run symbolizes for seconds after its
 * window: two at once keep an agent within its memory budget while one long run does not block a short one.
 */
const DEFAULT_CONCURRENCY = 2;
/**
 * A chunk of 1,000 execsnoop rows is ~250 KB of JSON: big enough that the API stores ~100k rows/s in one COPY per
 * chunk, small enough for one Redis message. 50 ms: a live view sees an event within about that much more.
 */
const DEFAULT_CHUNK_ROWS = 1000;
const DEFAULT_CHUNK_FLUSH_MS = 50;
/** Chunks' worth of rows an events run may hold while Redis takes the one before: bounds the agent's memory. */
const BUFFERED_CHUNKS = 20;
/** The API's default BPFLEET_MAX_DURATION_SEC. */
const DEFAULT_MAX_DURATION_SEC = 3600;

/** The variable labels are read from; BPFLEET_HOST_LABELS is its old name, still accepted. */
function labelsVariable(env: NodeJS.ProcessEnv): { name: string; text: string } {
  const current = env.BPFLEET_LABELS ?? '';
  const old = env.BPFLEET_HOST_LABELS ?? '';
  if (current && old && current !== old) {
    throw new ConfigError('BPFLEET_LABELS and BPFLEET_HOST_LABELS (its old name) are both set and differ: set BPFLEET_LABELS only');
  }
  return current || !old ? { name: 'BPFLEET_LABELS', text: current } : { name: 'BPFLEET_HOST_LABELS', text: old };
}

function parseLabels({ name, text }: { name: string; text: string }): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key = '', value, ...rest] = pair.split('=').map((part) => part.trim());
    if (value === undefined || rest.length > 0 || !LABEL_PATTERN.test(key) || !LABEL_PATTERN.test(value)) {
      throw new ConfigError(
        `${name}: "${pair}" is not key=value with key and value of 1-63 characters [A-Za-z0-9._/-] (e.g. role=db,zone=a)`,
      );
    }
    if (key in labels) throw new ConfigError(`${name}: label "${key}" is given twice`);
    labels[key] = value;
  }
  return labels;
}

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name} must be a positive integer, got "${text}"`);
  return value;
}

function logLevel(text: string | undefined): string {
  if (text === undefined || text === '') return 'info';
  const known = [...Object.keys(pino.levels.values), 'silent'];
  if (!known.includes(text)) throw new ConfigError(`LOG_LEVEL must be one of ${known.join(', ')}, got "${text}"`);
  return text;
}

function strictBoolean(name: string, text: string | undefined): boolean {
  if (text === undefined || text === '' || text === 'false') return false;
  if (text === 'true') return true;
  throw new ConfigError(`${name} must be true or false, got "${text}"`);
}

/**
 * Chunks of `rows` rows sent at least every `flushMs`. A backlog's chunks hold up to BACKLOG_CHUNK_FACTOR times more,
 * and the API refuses a chunk of more than MAX_CHUNK_ROWS rows.
 */
function chunkOptions(rows: number, flushMs: number): ChunkOptions {
  const most = Math.floor(MAX_CHUNK_ROWS / BACKLOG_CHUNK_FACTOR);
  if (rows > most) throw new ConfigError(`BPFLEET_CHUNK_ROWS must be at most ${most}, got ${rows}`);
  return { rows, flushMs, maxBufferedRows: rows * BUFFERED_CHUNKS };
}

/** Reads and validates the agent's configuration; throws {@link ConfigError} naming the variable at fault. */
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
    credentialsFile: env.BPFLEET_AGENT_CREDENTIALS_FILE || '/etc/bpfleet/agent-credentials.json',
    hostName,
    labels: parseLabels(labelsVariable(env)),
    queuePrefix: env.BPFLEET_QUEUE_PREFIX || 'bpfleet',
    heartbeatMs: positiveInt('BPFLEET_HEARTBEAT_SEC', env.BPFLEET_HEARTBEAT_SEC, 5) * 1000,
    concurrency: positiveInt('BPFLEET_AGENT_CONCURRENCY', env.BPFLEET_AGENT_CONCURRENCY, DEFAULT_CONCURRENCY),
    cancelPollMs: positiveInt('BPFLEET_CANCEL_POLL_MS', env.BPFLEET_CANCEL_POLL_MS, 2000),
    logLevel: logLevel(env.LOG_LEVEL),
    allowCustomPrograms: strictBoolean('BPFLEET_ALLOW_CUSTOM_PROGRAMS', env.BPFLEET_ALLOW_CUSTOM_PROGRAMS),
    maxDurationSec: positiveInt('BPFLEET_MAX_DURATION_SEC', env.BPFLEET_MAX_DURATION_SEC, DEFAULT_MAX_DURATION_SEC),
    eventBudgetCaps: {
      maxEvents: positiveInt('BPFLEET_MAX_EVENTS', env.BPFLEET_MAX_EVENTS, DEFAULT_EVENT_BUDGET_CAPS.maxEvents),
      maxEventsPerSec: positiveInt('BPFLEET_MAX_EVENTS_PER_SEC', env.BPFLEET_MAX_EVENTS_PER_SEC, DEFAULT_EVENT_BUDGET_CAPS.maxEventsPerSec),
    },
    chunks: chunkOptions(
      positiveInt('BPFLEET_CHUNK_ROWS', env.BPFLEET_CHUNK_ROWS, DEFAULT_CHUNK_ROWS),
      positiveInt('BPFLEET_CHUNK_FLUSH_MS', env.BPFLEET_CHUNK_FLUSH_MS, DEFAULT_CHUNK_FLUSH_MS),
    ),
  };
}
