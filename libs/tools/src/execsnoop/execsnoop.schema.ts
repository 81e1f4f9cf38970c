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
}

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
    },
  },
};
