import { cgroupFilter, commFilter, pidFilter, tidFilter } from '../common-filters.js';
import type { ToolDefinition } from '../definition.js';

export type RunqlatUnit = 'us' | 'ms';

export interface RunqlatParams {
  pid?: number;
  tid?: number;
  comm?: string;
  cgroup?: string;
  /** Unit of the histogram (and its percentiles): microseconds (default) or milliseconds, like runqlat -m. */
  unit?: RunqlatUnit;
  /** Also one histogram per process (tgid), like runqlat -P. */
  perPid?: boolean;
  /** Also one histogram per CPU the task ran on after waiting. Exclusive with perPid. */
  perCpu?: boolean;
}

export const runqlat: ToolDefinition = {
  name: 'runqlat',
  description:
    'Run-queue (scheduler) latency: how long runnable tasks wait for a CPU, as a log-linear histogram built in the kernel; optionally per process or per CPU.',
  resultKind: 'histogram',
  requires: ['btf', 'rawTracepoint'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      pid: pidFilter,
      tid: tidFilter,
      comm: commFilter,
      cgroup: cgroupFilter,
      unit: { enum: ['us', 'ms'], default: 'us' },
      perPid: { type: 'boolean', default: false },
      perCpu: { type: 'boolean', default: false },
    },
    // One breakdown at a time: a latency is keyed either by process or by CPU.
    not: {
      type: 'object',
      properties: { perPid: { const: true }, perCpu: { const: true } },
      required: ['perPid', 'perCpu'],
    },
  },
};
