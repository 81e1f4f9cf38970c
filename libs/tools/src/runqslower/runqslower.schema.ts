import { cgroupFilter, commFilter, pidFilter, tidFilter } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';


export const runqslower = defineTool({
  name: 'runqslower',
  description:
    'Trace run-queue (scheduler) waits above a threshold: one row per task that waited at least minUs for a CPU, with the task that ran before it.',
  resultKind: 'events',
  requires: ['btf', 'rawTracepoint', 'ringBuffer'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      pid: pidFilter,
      tid: tidFilter,
      comm: commFilter,
      cgroup: cgroupFilter,
      minUs: {
        type: 'integer',
        minimum: 0,
        maximum: 60_000_000,
        default: 10_000,
        description: 'Only waits of at least this many microseconds, like runqslower MIN_US (0: every wait).',
      },
    },
  },
  examples: [
    { minUs: 10_000 },
    { pid: 1, tid: 1, comm: 'init', cgroup: '/sys/fs/cgroup', minUs: 1000, maxEventsPerSec: 100, maxEvents: 10_000 },
  ],
});

export type RunqslowerParams = ParamsOf<typeof runqslower>;
