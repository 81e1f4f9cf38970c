import { cgroupFilter, commFilter, pidFilter, uidFilter } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';


export const exitsnoop = defineTool({
  name: 'exitsnoop',
  description:
    'Trace process (or thread) exits: one row per exit with its exit code or the signal that killed it, whether it dumped core, and how long it lived.',
  resultKind: 'events',
  requires: ['btf', 'rawTracepoint', 'ringBuffer'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      pid: pidFilter,
      uid: uidFilter,
      comm: { ...commFilter, description: 'Only processes (with `threads`: threads) whose comm is exactly this (the kernel keeps 15 characters).' },
      cgroup: cgroupFilter,
      failedOnly: {
        type: 'boolean',
        default: false,
        description: 'Only exits with a non-zero exit code or by a signal, like exitsnoop -x.',
      },
      threads: {
        type: 'boolean',
        default: false,
        description: 'Every thread exit, like exitsnoop -t; by default one row per process, when its last thread exits.',
      },
    },
  },
  examples: [
    { failedOnly: false, threads: false },
    { pid: 1, uid: 0, comm: 'nginx', cgroup: '/sys/fs/cgroup', failedOnly: true, threads: true, maxEventsPerSec: 100, maxEvents: 10_000 },
  ],
});

export type ExitsnoopParams = ParamsOf<typeof exitsnoop>;
