import { cgroupFilter, commFilter, pidFilter, tidFilter, uidFilter } from '../common-filters.js';
import type { ToolDefinition } from '../definition.js';

export type SyscountKey = 'syscall' | 'pid' | 'comm';

export interface SyscountParams {
  pid?: number;
  tid?: number;
  uid?: number;
  comm?: string;
  cgroup?: string;
  /** Also sum the time spent in each syscall (column `totalLatencyNs`), like syscount -L. */
  latency?: boolean;
  /** Only syscalls that returned an error, like syscount -x. */
  failedOnly?: boolean;
  /** What a row is keyed by: per syscall (default), per process (`pid`, `comm`), or both. */
  by?: SyscountKey[];
}

export const syscount: ToolDefinition = {
  name: 'syscount',
  description: 'Count system calls in the kernel, by syscall and optionally by process, with optional latency.',
  resultKind: 'counts',
  requires: ['rawTracepoint'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      pid: pidFilter,
      tid: tidFilter,
      uid: uidFilter,
      comm: commFilter,
      cgroup: cgroupFilter,
      latency: { type: 'boolean', default: false },
      failedOnly: { type: 'boolean', default: false },
      by: {
        type: 'array',
        items: { enum: ['syscall', 'pid', 'comm'] },
        minItems: 1,
        uniqueItems: true,
        default: ['syscall'],
      },
    },
  },
};
