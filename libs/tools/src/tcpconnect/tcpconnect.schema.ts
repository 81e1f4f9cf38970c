import { cgroupFilter, commFilter, pidFilter, portsFilter, uidFilter } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';

/** Default bound on tcpconnect rows per second: far above what a host normally opens, low enough to stop a connect storm flooding the agent. */
export const TCPCONNECT_DEFAULT_MAX_EVENTS_PER_SECOND = 5000;

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
      maxEventsPerSecond: {
        type: 'integer',
        minimum: 1,
        maximum: 100000,
        default: TCPCONNECT_DEFAULT_MAX_EVENTS_PER_SECOND,
        description: 'Bound on rows per second (in the kernel); connects beyond it are counted in `dropped`. Counts are not bounded.',
      },
    },
  },
  examples: [
    { countOnly: false, maxEventsPerSecond: TCPCONNECT_DEFAULT_MAX_EVENTS_PER_SECOND },
    { pid: 1, uid: 0, comm: 'curl', cgroup: '/sys/fs/cgroup', dport: [80, 443], countOnly: false, maxEventsPerSecond: 100 },
    { dport: [5432], countOnly: true, maxEventsPerSecond: TCPCONNECT_DEFAULT_MAX_EVENTS_PER_SECOND },
  ],
});

export type TcpconnectParams = ParamsOf<typeof tcpconnect>;
