import { commFilter, pidFilter, stackParam, tidFilter } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';

const microseconds = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;

export const offcputime = defineTool({
  name: 'offcputime',
  description:
    'Off-CPU time: how long threads were blocked, sleeping or waiting to run, summed per kernel and user stack in the kernel, in microseconds.',
  resultKind: 'stacks',
  requires: ['btf', 'rawTracepoint', 'ringBuffer'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      pid: pidFilter,
      tid: tidFilter,
      comm: commFilter,
      minBlockUs: { ...microseconds, default: 1, description: 'Only off-CPU intervals of at least this many µs, like offcputime -m.' },
      maxBlockUs: { ...microseconds, description: 'Only off-CPU intervals of at most this many µs, like offcputime -M. Not below minBlockUs.' },
      state: {
        type: 'integer',
        minimum: 0,
        maximum: 65535,
        description:
          'Only threads switched out in this state, like offcputime --state: a TASK_* bitmask (1 = interruptible sleep, S; 2 = uninterruptible, D), or 0 for threads preempted while runnable.',
      },
      stack: stackParam,
    },
  },
  check: (p) =>
    p.maxBlockUs !== undefined && p.maxBlockUs < p.minBlockUs
      ? [{ field: 'params.maxBlockUs', message: `must not be below minBlockUs (${p.minBlockUs})` }]
      : [],
  examples: [
    { minBlockUs: 1, stack: 'both' },
    { pid: 1, tid: 1, comm: 'init', minBlockUs: 1000, maxBlockUs: 1_000_000, state: 2, stack: 'kernel' },
  ],
});

export type OffcputimeParams = ParamsOf<typeof offcputime>;
