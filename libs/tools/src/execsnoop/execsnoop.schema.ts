import { cgroupFilter, uidFilter } from '../common-filters.js';
import type { ToolDefinition } from '../definition.js';

export interface ExecsnoopParams {
  uid?: number;
  cgroup?: string;
  /** Only execs that failed (ret < 0), like execsnoop -x. */
  failedOnly?: boolean;
  /** Only execs whose filename or arguments contain this text, like execsnoop -n (applied in the kernel). */
  nameContains?: string;
  /** Arguments captured per exec, like execsnoop --max-args. */
  maxArgs?: number;
  /** Bound on rows per second (in the kernel); execs beyond it are counted in `dropped`. */
  maxEventsPerSecond?: number;
}

/** Default bound on execsnoop rows per second: far above normal exec rates, low enough to stop a fork bomb flooding the agent. */
export const EXECSNOOP_DEFAULT_MAX_EVENTS_PER_SECOND = 5000;

export const execsnoop: ToolDefinition = {
  name: 'execsnoop',
  description: 'Trace new processes via exec() syscalls: one row per execve/execveat with argv and return value.',
  resultKind: 'events',
  requires: ['tracepoint', 'ringBuffer'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      uid: uidFilter,
      cgroup: cgroupFilter,
      failedOnly: { type: 'boolean', default: false },
      nameContains: { type: 'string', minLength: 1, maxLength: 31 },
      maxArgs: { type: 'integer', minimum: 1, maximum: 60, default: 20 },
      maxEventsPerSecond: { type: 'integer', minimum: 1, maximum: 100000, default: EXECSNOOP_DEFAULT_MAX_EVENTS_PER_SECOND },
    },
  },
};
