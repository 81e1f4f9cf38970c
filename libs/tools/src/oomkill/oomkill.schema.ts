import { cgroupFilter, commFilter, pidFilter, uidFilter } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';


export const oomkill = defineTool({
  name: 'oomkill',
  description:
    'Trace OOM kills: one row per process the OOM killer picks as its victim, with the process whose allocation triggered it, the memory the victim held, and the load averages then.',
  resultKind: 'events',
  requires: ['btf', 'rawTracepoint', 'ringBuffer'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      pid: { ...pidFilter, description: 'Only kills of this process (tgid).' },
      uid: { ...uidFilter, description: 'Only kills of processes of this user id.' },
      comm: { ...commFilter, description: 'Only kills of tasks whose comm is exactly this (the kernel keeps 15 characters).' },
      cgroup: {
        ...cgroupFilter,
        description: 'Only kills of tasks in this cgroup v2 (a path under /sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid hosts), resolved to its id on the host.',
      },
    },
  },
  examples: [
    { maxEvents: 1000 },
    { pid: 1, uid: 1000, comm: 'java', cgroup: '/sys/fs/cgroup', maxEventsPerSec: 100, maxEvents: 10_000 },
  ],
});

export type OomkillParams = ParamsOf<typeof oomkill>;
