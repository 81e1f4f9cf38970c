import { cgroupFilter, commFilter, pidFilter, uidFilter } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';

/** Default bound on exitsnoop rows per second: far above normal exit rates, low enough to stop a fork bomb flooding the agent. */
export const EXITSNOOP_DEFAULT_MAX_EVENTS_PER_SECOND = 5000;

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
      maxEventsPerSecond: {
        type: 'integer',
        minimum: 1,
        maximum: 100000,
        default: EXITSNOOP_DEFAULT_MAX_EVENTS_PER_SECOND,
        description: 'Bound on rows per second (in the kernel); exits beyond it are counted in `dropped`.',
      },
    },
  },
  examples: [
    { failedOnly: false, threads: false, maxEventsPerSecond: EXITSNOOP_DEFAULT_MAX_EVENTS_PER_SECOND },
    { pid: 1, uid: 0, comm: 'nginx', cgroup: '/sys/fs/cgroup', failedOnly: true, threads: true, maxEventsPerSecond: 100 },
  ],
});

export type ExitsnoopParams = ParamsOf<typeof exitsnoop>;
