import { taskFilters } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';

export const soaccept = defineTool({
  name: 'soaccept',
  description:
    'Trace accept() and accept4() calls: one row per accepted connection (or failed accept) with the peer address and port, the local port and the result.',
  resultKind: 'events',
  requires: ['btf', 'tracepoint', 'ringBuffer'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: taskFilters,
  },
  examples: [
    { maxEvents: 1000 },
    { pid: 1, tid: 1, uid: 0, comm: 'nginx', cgroup: '/sys/fs/cgroup', maxEventsPerSec: 100, maxEvents: 10_000 },
  ],
});

export type SoacceptParams = ParamsOf<typeof soaccept>;
