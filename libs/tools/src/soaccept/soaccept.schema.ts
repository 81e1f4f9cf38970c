import { taskFilters } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';
import { maxSocketEventsPerSecond } from '../soconnect/soconnect.schema.js';

export const soaccept = defineTool({
  name: 'soaccept',
  description:
    'Trace accept() and accept4() calls: one row per accepted connection (or failed accept) with the peer address and port, the local port and the result.',
  resultKind: 'events',
  requires: ['btf', 'tracepoint', 'ringBuffer'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...taskFilters,
      maxEventsPerSecond: maxSocketEventsPerSecond,
    },
  },
  examples: [
    { maxEventsPerSecond: 5000 },
    { pid: 1, tid: 1, uid: 0, comm: 'nginx', cgroup: '/sys/fs/cgroup', maxEventsPerSecond: 100 },
  ],
});

export type SoacceptParams = ParamsOf<typeof soaccept>;
