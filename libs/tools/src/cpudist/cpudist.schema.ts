import { cgroupFilter, commFilter, pidFilter, tidFilter } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';

export const cpudist = defineTool({
  name: 'cpudist',
  description:
    'On-CPU time per scheduling (switch-in to switch-out of a task), or off-CPU time between its runs, as a log-linear histogram built in the kernel; optionally per process.',
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
      offCpu: {
        type: 'boolean',
        default: false,
        description: 'Measure the time off the CPU instead (switch-out to next switch-in: blocked plus waiting in the run queue), like cpudist -O.',
      },
      unit: { enum: ['us', 'ms'], default: 'us', description: 'Unit of the histogram and its percentiles, like cpudist -m.' },
      perPid: { type: 'boolean', default: false, description: 'Also one histogram per process (tgid), like cpudist -P.' },
    },
  },
  examples: [
    { offCpu: false, unit: 'us', perPid: false },
    { pid: 1, tid: 1, comm: 'init', cgroup: '/sys/fs/cgroup', offCpu: true, unit: 'ms', perPid: true, intervalSec: 1 },
  ],
});

export type CpudistParams = ParamsOf<typeof cpudist>;
export type CpudistUnit = CpudistParams['unit'];
