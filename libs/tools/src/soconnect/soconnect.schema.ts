import { taskFilters } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';

/**
 * `maxEventsPerSecond` of the socket event tools (soconnect, soaccept). The default is far above the
 * connection rates of busy servers, low enough to stop a connect storm flooding the agent.
 */
export const maxSocketEventsPerSecond = {
  type: 'integer',
  minimum: 1,
  maximum: 100000,
  default: 5000,
  description: 'Bound on rows per second (in the kernel); calls beyond it are counted in `dropped`.',
} as const;

export const soconnect = defineTool({
  name: 'soconnect',
  description:
    'Trace connect() calls: one row per call with the address and port it named (an AF_UNIX path), how long it took and its result (OK or the errno, e.g. ECONNREFUSED, EINPROGRESS).',
  resultKind: 'events',
  requires: ['tracepoint', 'ringBuffer'],
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
    { pid: 1, tid: 1, uid: 0, comm: 'curl', cgroup: '/sys/fs/cgroup', maxEventsPerSecond: 100 },
  ],
});

export type SoconnectParams = ParamsOf<typeof soconnect>;
