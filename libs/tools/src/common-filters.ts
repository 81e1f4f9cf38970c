/**
 * JSON Schema fragments for the filters most tools share; every one is applied in the kernel (see
 * libs/bpf/include/task_filter.bpf.h and runtime/task-filter.ts). `as const` keeps their literal types,
 * from which each tool's params type is derived.
 */
export const pidFilter = { type: 'integer', minimum: 1, maximum: 4194304, description: 'Only this process (tgid).' } as const;
export const tidFilter = { type: 'integer', minimum: 1, maximum: 4194304, description: 'Only this thread.' } as const;
export const uidFilter = { type: 'integer', minimum: 0, maximum: 4294967294, description: 'Only this user id.' } as const;
export const commFilter = {
  type: 'string',
  minLength: 1,
  maxLength: 15,
  maxBytes: 15,
  description: 'Only tasks whose comm is exactly this (the kernel keeps 15 bytes of UTF-8).',
} as const;
export const cgroupFilter = {
  type: 'string',
  // No `.` or `..` segment: the path names a cgroup, it never climbs out of the cgroup mount.
  pattern: '^/sys/fs/cgroup(/(?!\\.\\.?(/|$))[^/\\0]+)*/?$',
  maxLength: 4096,
  description:
    'Only tasks in this cgroup v2 (a path under /sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid hosts), resolved to its id on the host.',
} as const;

/** A list of TCP/UDP ports (e.g. tcpconnect `dport`), matched in the kernel (filters.bpf.h `port_listed`, up to 16). */
export const portsFilter = {
  type: 'array',
  items: { type: 'integer', minimum: 1, maximum: 65535 },
  minItems: 1,
  maxItems: 16,
  uniqueItems: true,
  description: 'Only these ports (up to 16).',
} as const;

/** All five, for tools where every one of them makes sense. */
export const taskFilters = { pid: pidFilter, tid: tidFilter, uid: uidFilter, comm: commFilter, cgroup: cgroupFilter } as const;

/** The params the common filters read; a tool's params type has any subset of them. */
export interface TaskFilterParams {
  pid?: number;
  tid?: number;
  uid?: number;
  comm?: string;
  cgroup?: string;
}

/** `stack` of the stack tools: which halves of each stack to collect. */
export const stackParam = {
  enum: ['both', 'user', 'kernel'],
  default: 'both',
  description: 'Which stacks to collect: user and kernel (default), or only one of them.',
} as const;
