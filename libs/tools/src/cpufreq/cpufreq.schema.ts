import { cgroupFilter, commFilter, pidFilter, tidFilter } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';

export const cpufreq = defineTool({
  name: 'cpufreq',
  description:
    'CPU frequencies in use: samples each CPU at a fixed frequency and counts the samples per CPU and current frequency (MHz), optionally per process; says so when the host exposes no frequency information.',
  resultKind: 'counts',
  series: true,
  requires: ['btf', 'rawTracepoint', 'perfSampling'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      pid: pidFilter,
      tid: tidFilter,
      comm: commFilter,
      cgroup: cgroupFilter,
      frequencyHz: { type: 'integer', minimum: 1, maximum: 1000, default: 99, description: 'Samples per second on each CPU, like cpufreq -f.' },
      perProcess: { type: 'boolean', default: false, description: 'Also key the counts by the comm of the task sampled (column `comm`), like cpufreq -P.' },
    },
  },
  examples: [
    { frequencyHz: 99, perProcess: false },
    { pid: 1, tid: 1, comm: 'init', cgroup: '/sys/fs/cgroup', frequencyHz: 999, perProcess: true, intervalSec: 1 },
  ],
});

export type CpufreqParams = ParamsOf<typeof cpufreq>;
