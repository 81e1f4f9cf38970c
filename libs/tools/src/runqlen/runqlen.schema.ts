import { defineTool, type ParamsOf } from '../definition.js';

export const runqlen = defineTool({
  name: 'runqlen',
  description:
    'Run-queue length: how many tasks wait for each CPU, sampled at a fixed frequency on every CPU, as a histogram; optionally per CPU.',
  resultKind: 'histogram',
  series: true,
  requires: ['btf', 'perfSampling'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      frequencyHz: { type: 'integer', minimum: 1, maximum: 1000, default: 99, description: 'Samples per second on each CPU, like runqlen -F.' },
      perCpu: { type: 'boolean', default: false, description: 'Also one histogram per CPU, like runqlen -C.' },
      queue: {
        enum: ['cfs', 'cpu'],
        default: 'cfs',
        description:
          "What is counted: 'cfs' (default, as runqlen) the CFS queue of the task running at the sample, which with cgroup CPU control or autogroup holds only that task's group; 'cpu' every runnable task on the CPU, of every scheduling class and group (rq->nr_running, as runqlen -H).",
      },
    },
  },
  examples: [
    { frequencyHz: 99, perCpu: false, queue: 'cfs' },
    { frequencyHz: 999, perCpu: true, queue: 'cpu', intervalSec: 1 },
  ],
});

export type RunqlenParams = ParamsOf<typeof runqlen>;
