import { cgroupFilter, commFilter, pidFilter, portsFilter, uidFilter } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';


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
    },
  },
  examples: [
    { maxEvents: 1000 },
    { pid: 1, uid: 0, comm: 'nginx', cgroup: '/sys/fs/cgroup', lport: [80, 443], maxEventsPerSec: 100, maxEvents: 10_000 },
  ],
});

export type TcpacceptParams = ParamsOf<typeof tcpaccept>;
