import { cgroupFilter, uidFilter } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';


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
    },
  },
  // The kernel compares bytes: a UTF-8 text of 31 characters may not fit its 31 bytes.
  check: (p) =>
    p.nameContains !== undefined && Buffer.byteLength(p.nameContains, 'utf8') > 31
      ? [{ field: 'params.nameContains', message: 'must not be longer than 31 bytes in UTF-8' }]
      : [],
  examples: [
    { failedOnly: false, maxArgs: 20 },
    { uid: 0, cgroup: '/sys/fs/cgroup', failedOnly: true, nameContains: 'python', maxArgs: 60, maxEventsPerSec: 100, maxEvents: 10_000 },
  ],
});

export type ExecsnoopParams = ParamsOf<typeof execsnoop>;
