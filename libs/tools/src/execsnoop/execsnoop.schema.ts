import { cgroupFilter, uidFilter } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';

/** Default bound on execsnoop rows per second: far above normal exec rates, low enough to stop a fork bomb flooding the agent. */
export const EXECSNOOP_DEFAULT_MAX_EVENTS_PER_SECOND = 5000;

export const execsnoop = defineTool({
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
      failedOnly: { type: 'boolean', default: false, description: 'Only execs that failed (ret < 0), like execsnoop -x.' },
      nameContains: {
        type: 'string',
        minLength: 1,
        maxLength: 31,
        description: 'Only execs whose filename or arguments contain this text, like execsnoop -n (applied in the kernel).',
      },
      maxArgs: { type: 'integer', minimum: 1, maximum: 60, default: 20, description: 'Arguments captured per exec, like execsnoop --max-args.' },
      maxEventsPerSecond: {
        type: 'integer',
        minimum: 1,
        maximum: 100000,
        default: EXECSNOOP_DEFAULT_MAX_EVENTS_PER_SECOND,
        description: 'Bound on rows per second (in the kernel); execs beyond it are counted in `dropped`.',
      },
    },
  },
  // The kernel compares bytes: a UTF-8 text of 31 characters may not fit its 31 bytes.
  check: (p) =>
    p.nameContains !== undefined && Buffer.byteLength(p.nameContains, 'utf8') > 31
      ? [{ field: 'params.nameContains', message: 'must not be longer than 31 bytes in UTF-8' }]
      : [],
  examples: [
    { failedOnly: false, maxArgs: 20, maxEventsPerSecond: EXECSNOOP_DEFAULT_MAX_EVENTS_PER_SECOND },
    { uid: 0, cgroup: '/sys/fs/cgroup', failedOnly: true, nameContains: 'python', maxArgs: 60, maxEventsPerSecond: 100 },
  ],
});

export type ExecsnoopParams = ParamsOf<typeof execsnoop>;
