import { taskFilters } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';

export const soconnect = defineTool({
  name: 'soconnect',
  description:
    'Trace connect() calls: one row per call with the address and port it named (an AF_UNIX path), how long it took and its result (OK or the errno, e.g. ECONNREFUSED, EINPROGRESS).',
  resultKind: 'events',
  requires: ['tracepoint', 'ringBuffer'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: taskFilters,
  },
  examples: [
    { maxEvents: 1000 },
    { pid: 1, tid: 1, uid: 0, comm: 'curl', cgroup: '/sys/fs/cgroup', maxEventsPerSec: 100, maxEvents: 10_000 },
  ],
});

export type SoconnectParams = ParamsOf<typeof soconnect>;
