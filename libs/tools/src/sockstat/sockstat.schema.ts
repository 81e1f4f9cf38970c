import { taskFilters } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';

/** The syscalls sockstat counts, in the order of SOCKSTAT_SYSCALLS in sockstat.h (a key's index into it). */
export const SOCKET_SYSCALLS = [
  'socket',
  'socketpair',
  'bind',
  'listen',
  'accept',
  'accept4',
  'connect',
  'getsockname',
  'getpeername',
  'setsockopt',
  'getsockopt',
  'sendto',
  'sendmsg',
  'sendmmsg',
  'recvfrom',
  'recvmsg',
  'recvmmsg',
  'shutdown',
] as const;

export const sockstat = defineTool({
  name: 'sockstat',
  description:
    'Count socket system calls (socket, bind, listen, accept, connect, send*, recv*, shutdown, …) in the kernel, by syscall and optionally by process, in total or per interval.',
  resultKind: 'counts',
  series: true,
  requires: ['tracepoint'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...taskFilters,
      by: {
        type: 'array',
        items: { enum: ['syscall', 'pid', 'comm'] },
        minItems: 1,
        uniqueItems: true,
        default: ['syscall'],
        description: 'What a row is keyed by: per syscall (default), per process (`pid`, `comm`), or both.',
      },
      syscalls: {
        type: 'array',
        items: { enum: SOCKET_SYSCALLS },
        minItems: 1,
        uniqueItems: true,
        description: 'Only these syscalls (the others are not traced at all); default all of them.',
      },
    },
  },
  examples: [
    { by: ['syscall'] },
    { pid: 1, tid: 1, uid: 0, comm: 'nginx', cgroup: '/sys/fs/cgroup', by: ['syscall', 'pid', 'comm'], syscalls: ['accept4', 'connect'], intervalSec: 1 },
  ],
});

export type SockstatParams = ParamsOf<typeof sockstat>;
export type SocketSyscall = (typeof SOCKET_SYSCALLS)[number];
