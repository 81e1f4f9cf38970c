import { commFilter, pidFilter, stackParam, tidFilter } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';

export const profile = defineTool({
  name: 'profile',
  description:
    'CPU profiler: samples the stacks (kernel and user) of whatever runs on every CPU at a fixed frequency and counts them in the kernel; stacks sorted by samples.',
  resultKind: 'stacks',
  // Stacks are walked by the kernel's perf callchain code (frame pointers for user stacks): nothing more
  // than perf sampling is needed for either half. The ring buffer announces processes to snapshot.
  requires: ['btf', 'perfSampling', 'ringBuffer'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      pid: pidFilter,
      tid: tidFilter,
      comm: commFilter,
      frequencyHz: {
        type: 'integer',
        minimum: 1,
        maximum: 1000,
        default: 49,
        description: 'Samples per second on each CPU, like profile -F (49 by default: no lockstep with timer ticks).',
      },
      stack: stackParam,
    },
  },
  examples: [
    { frequencyHz: 49, stack: 'both' },
    { pid: 1, tid: 1, comm: 'init', frequencyHz: 99, stack: 'user' },
    { frequencyHz: 997, stack: 'kernel' },
  ],
});

export type ProfileParams = ParamsOf<typeof profile>;
