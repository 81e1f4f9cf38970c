/** JSON Schema fragments for the filters most tools share; every one is applied in the kernel. */
export const pidFilter = { type: 'integer', minimum: 1, maximum: 4194304, description: 'Only this process (tgid).' };
export const tidFilter = { type: 'integer', minimum: 1, maximum: 4194304, description: 'Only this thread.' };
export const uidFilter = { type: 'integer', minimum: 0, maximum: 4294967294, description: 'Only this user id.' };
export const commFilter = {
  type: 'string',
  minLength: 1,
  maxLength: 15,
  description: 'Only tasks whose comm is exactly this (the kernel keeps 15 characters).',
};
export const cgroupFilter = {
  type: 'string',
  pattern: '^/sys/fs/cgroup(/[^/\\0]+)*/?$',
  maxLength: 4096,
  description: 'Only tasks in this cgroup v2 (a path under /sys/fs/cgroup, resolved to its id on the host).',
};
