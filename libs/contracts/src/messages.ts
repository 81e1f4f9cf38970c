import type { Capabilities } from './capabilities.js';
import type { RunStats, ToolResult } from './results.js';

/** What the API puts on `trace-host-<host>`; the BullMQ job id is the run id, so enqueueing twice is a no-op. */
export interface TraceJobPayload {
  jobId: string;
  runId: string;
  host: string;
  tool: string;
  durationSec: number;
  params: Record<string, unknown>;
}

/** What agents put on `trace-results`. Ingest is idempotent per (runId, type, seq). */
export type RunMessage =
  | { type: 'running'; runId: string; at: string }
  | { type: 'succeeded'; runId: string; at: string; result: ToolResult; stats: RunStats }
  | { type: 'failed'; runId: string; at: string; error: string; stats?: RunStats }
  /**
   * The run stopped because its cancellation was requested. `result` is what the probes saw until then
   * (only when they were attached); absent when the run was cancelled before attaching or its runner threw.
   */
  | { type: 'cancelled'; runId: string; at: string; result?: ToolResult; stats?: RunStats }
  | ChunkMessage;

/**
 * Rows of an events run, sent while it runs: chunk `seq` (0, 1, 2, … with no gap) holds the rows after those of
 * chunk `seq - 1`, in the order the agent received the events. The run's final `succeeded`/`cancelled` message
 * then carries an events result without rows whose `chunks` says how many were sent. Stored once per
 * (runId, seq), whatever the order or number of deliveries. `at`: ISO time the agent sent it.
 */
export interface ChunkMessage {
  type: 'chunk';
  runId: string;
  seq: number;
  rows: Record<string, unknown>[];
  at: string;
}

/** The most rows one chunk may hold: the API refuses (drops) a bigger one, the agent's configuration too. */
export const MAX_CHUNK_ROWS = 10_000;

/**
 * What tells one message of a run from another on `trace-results` (its BullMQ id, after the host's prefix):
 * `<runId>-<type>`, and `<runId>-chunk-<seq>` for chunks, so a message sent twice is queued once.
 */
export const runMessageKey = (message: RunMessage): string =>
  message.type === 'chunk' ? `${message.runId}-chunk-${message.seq}` : `${message.runId}-${message.type}`;

/**
 * How a run in progress should end, when the API asks: `cancel` ends it `cancelled` (a partial result kept),
 * `stop` ends its trace window now and it ends `succeeded` with what it saw (POST /v1/jobs/:id/stop: the CLI
 * traces exactly as long as a workload command runs).
 */
export type RunEnding = 'cancel' | 'stop';

/**
 * End requests travel API → agent through Redis only, in two parts so a busy agent cannot miss them:
 * a durable key per run (checked by the agent before a run starts and polled while it runs) and a
 * pub/sub nudge on the host's channel (so the run ends within milliseconds, not a poll period).
 * The key's value is the {@link RunEnding}; a cancel overrides a stop, never the reverse. The key lives under
 * its host's channel name, so one ACL pattern lets an agent read its own hosts' keys and no other's.
 */
export const runCancelKey = (prefix: string, host: string, runId: string): string => `${hostCancelChannel(prefix, host)}:run:${runId}`;

/** Pub/sub channel of one host's end nudges; each message is a run id, whose key says how to end it. */
export const hostCancelChannel = (prefix: string, host: string): string => `${prefix}:cancel:host:${host}`;

/** The ending a run's key asks for; a value written before `stop` existed (an ISO time) meant cancel. */
export const parseRunEnding = (value: string): RunEnding => (value === 'stop' ? 'stop' : 'cancel');

export interface HostHeartbeat {
  name: string;
  labels: Record<string, string>;
  kernel: string;
  capabilities: Capabilities;
  agentVersion: string;
  /** ISO time of this heartbeat, written by the agent. */
  at: string;
}

/**
 * Label keys and values, as agents publish them (BPFLEET_LABELS) and selectors match them: 1–63 characters of
 * `[A-Za-z0-9._/-]`, so a `key=value` pair and a comma-separated list of them parse without quoting.
 */
export const LABEL_PATTERN = /^[A-Za-z0-9._/-]{1,63}$/;
