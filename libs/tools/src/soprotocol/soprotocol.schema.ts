import { taskFilters } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';

export const soprotocol = defineTool({
  name: 'soprotocol',
  description: 'Count new socket connections (connect and accept) by process and transport protocol (TCP, UDP, …), in the kernel.',
  resultKind: 'counts',
  series: true,
  requires: ['btf', 'tracepoint'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...taskFilters,
      direction: {
        enum: ['both', 'connect', 'accept'],
        default: 'both',
        description: 'Which new connections count: connect() calls, accepted connections, or both (default).',
      },
    },
  },
  examples: [{ direction: 'both' }, { pid: 1, tid: 1, uid: 0, comm: 'nginx', cgroup: '/sys/fs/cgroup', direction: 'accept', intervalSec: 1 }],
});

export type SoprotocolParams = ParamsOf<typeof soprotocol>;
