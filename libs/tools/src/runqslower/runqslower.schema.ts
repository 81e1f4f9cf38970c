import { cgroupFilter, commFilter, pidFilter, tidFilter } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';

/** Default bound on runqslower rows per second: a flood guard for low thresholds on busy hosts. */
export const RUNQSLOWER_DEFAULT_MAX_EVENTS_PER_SECOND = 5000;

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
      maxEventsPerSecond: {
        type: 'integer',
        minimum: 1,
        maximum: 100000,
        default: RUNQSLOWER_DEFAULT_MAX_EVENTS_PER_SECOND,
        description: 'Bound on rows per second (in the kernel); waits beyond it are counted in `dropped`.',
      },
    },
  },
  examples: [
    { minUs: 10_000, maxEventsPerSecond: RUNQSLOWER_DEFAULT_MAX_EVENTS_PER_SECOND },
    { pid: 1, tid: 1, comm: 'init', cgroup: '/sys/fs/cgroup', minUs: 1000, maxEventsPerSecond: 100 },
  ],
});

export type RunqslowerParams = ParamsOf<typeof runqslower>;
