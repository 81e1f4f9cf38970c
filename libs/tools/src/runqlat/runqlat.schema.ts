import { cgroupFilter, commFilter, pidFilter, tidFilter } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';

export const runqlat = defineTool({
  name: 'runqlat',
  description:
    'Run-queue (scheduler) latency: how long runnable tasks wait for a CPU, as a log-linear histogram built in the kernel; optionally per process or per CPU.',
  resultKind: 'histogram',
  series: true,
  requires: ['btf', 'rawTracepoint'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      pid: pidFilter,
      tid: tidFilter,
      comm: commFilter,
      cgroup: cgroupFilter,
      unit: { enum: ['us', 'ms'], default: 'us', description: 'Unit of the histogram and its percentiles, like runqlat -m.' },
      perPid: { type: 'boolean', default: false, description: 'Also one histogram per process (tgid), like runqlat -P.' },
      perCpu: { type: 'boolean', default: false, description: 'Also one histogram per CPU the task ran on after waiting. Exclusive with perPid.' },
    },
    // One breakdown at a time: a latency is keyed either by process or by CPU.
    not: {
      type: 'object',
      properties: { perPid: { const: true }, perCpu: { const: true } },
      required: ['perPid', 'perCpu'],
    },
  },
  examples: [
    { unit: 'us', perPid: false, perCpu: false },
    { pid: 1, tid: 1, comm: 'init', cgroup: '/sys/fs/cgroup', unit: 'ms', perPid: true, perCpu: false, intervalSec: 1 },
  ],
});

export type RunqlatParams = ParamsOf<typeof runqlat>;
export type RunqlatUnit = RunqlatParams['unit'];
