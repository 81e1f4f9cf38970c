import { taskFilters } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';

export const syscount = defineTool({
  name: 'syscount',
  description: 'Count system calls in the kernel, by syscall and optionally by process, with optional latency.',
  resultKind: 'counts',
  series: true,
  requires: ['rawTracepoint'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...taskFilters,
      latency: { type: 'boolean', default: false, description: 'Also sum the time spent in each syscall (column `totalLatencyNs`), like syscount -L.' },
      failedOnly: { type: 'boolean', default: false, description: 'Only syscalls that returned an error, like syscount -x.' },
      by: {
        type: 'array',
        items: { enum: ['syscall', 'pid', 'comm'] },
        minItems: 1,
        uniqueItems: true,
        default: ['syscall'],
        description: 'What a row is keyed by: per syscall (default), per process (`pid`, `comm`), or both.',
      },
    },
  },
  examples: [
    { latency: false, failedOnly: false, by: ['syscall'] },
    { pid: 1, tid: 1, uid: 0, comm: 'init', cgroup: '/sys/fs/cgroup', latency: true, failedOnly: true, by: ['syscall', 'pid', 'comm'], intervalSec: 1 },
  ],
});

export type SyscountParams = ParamsOf<typeof syscount>;
export type SyscountKey = SyscountParams['by'][number];
