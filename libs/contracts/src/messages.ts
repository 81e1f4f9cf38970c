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
  | { type: 'failed'; runId: string; at: string; error: string; stats?: RunStats };

export interface HostHeartbeat {
  name: string;
  labels: Record<string, string>;
  kernel: string;
  capabilities: Capabilities;
  agentVersion: string;
  /** ISO time of this heartbeat, written by the agent. */
  at: string;
}
