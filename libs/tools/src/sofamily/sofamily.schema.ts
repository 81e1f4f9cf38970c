import { taskFilters } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';

export const sofamily = defineTool({
  name: 'sofamily',
  description:
    'Count new socket connections by process, address family (AF_INET, AF_INET6, AF_UNIX, …) and direction (connect or accept), in the kernel.',
  resultKind: 'counts',
  series: true,
  requires: ['btf', 'tracepoint'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { ...taskFilters },
  },
  examples: [{}, { pid: 1, tid: 1, uid: 0, comm: 'nginx', cgroup: '/sys/fs/cgroup', intervalSec: 1 }],
});

export type SofamilyParams = ParamsOf<typeof sofamily>;
