import { cgroupFilter, commFilter, pidFilter, portsFilter, uidFilter } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';

/** Default bound on tcpaccept rows per second: far above what a host normally accepts, low enough to stop a connection flood flooding the agent. */
export const TCPACCEPT_DEFAULT_MAX_EVENTS_PER_SECOND = 5000;

export const tcpaccept = defineTool({
  name: 'tcpaccept',
  description:
    'Trace passive TCP connections accepted with accept()/accept4(): one row per accepted connection with the accepting process, remote and local addresses and ports.',
  resultKind: 'events',
  requires: ['btf', 'tracepoint', 'ringBuffer'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      pid: { ...pidFilter, description: 'Only connections accepted by this process (tgid).' },
      uid: uidFilter,
      comm: commFilter,
      cgroup: cgroupFilter,
      lport: { ...portsFilter, description: 'Only connections accepted on these local ports (up to 16), like tcpaccept -P.' },
      maxEventsPerSecond: {
        type: 'integer',
        minimum: 1,
        maximum: 100000,
        default: TCPACCEPT_DEFAULT_MAX_EVENTS_PER_SECOND,
        description: 'Bound on rows per second (in the kernel); accepts beyond it are counted in `dropped`.',
      },
    },
  },
  examples: [
    { maxEventsPerSecond: TCPACCEPT_DEFAULT_MAX_EVENTS_PER_SECOND },
    { pid: 1, uid: 0, comm: 'nginx', cgroup: '/sys/fs/cgroup', lport: [80, 443], maxEventsPerSecond: 100 },
  ],
});

export type TcpacceptParams = ParamsOf<typeof tcpaccept>;
