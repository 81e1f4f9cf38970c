import { cgroupFilter, commFilter, pidFilter, portsFilter, uidFilter } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';


export const tcpconnect = defineTool({
  name: 'tcpconnect',
  description:
    'Trace active TCP connections made with connect(): one row per connect with the process, addresses and ports; with countOnly, connects counted per destination address and port.',
  resultKind: 'events',
  resultKindOf: (p) => (p.countOnly ? 'counts' : 'events'),
  requires: ['btf', 'tracepoint', 'rawTracepoint', 'ringBuffer'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      pid: pidFilter,
      uid: uidFilter,
      comm: commFilter,
      cgroup: cgroupFilter,
      dport: { ...portsFilter, description: 'Only connects to these destination ports (up to 16), like tcpconnect -P.' },
      countOnly: {
        type: 'boolean',
        default: false,
        description:
          'Count connects per destination instead of one row each, like tcpconnect -c: the result is then of kind `counts`, keyed by `daddr` and `dport`.',
      },
    },
  },
  examples: [
    { countOnly: false },
    { pid: 1, uid: 0, comm: 'curl', cgroup: '/sys/fs/cgroup', dport: [80, 443], countOnly: false, maxEventsPerSec: 100, maxEvents: 10_000 },
    { dport: [5432], countOnly: true },
  ],
});

export type TcpconnectParams = ParamsOf<typeof tcpconnect>;
