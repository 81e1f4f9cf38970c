import { statSync } from 'node:fs';

/**
 * Cgroup v2 id of a path under /sys/fs/cgroup: the inode number of its directory, which is what
 * bpf_get_current_cgroup_id() returns in the kernel. Throws (ENOENT) when the path does not exist.
 */
export function cgroupId(path: string): bigint {
  return statSync(path, { bigint: true }).ino;
}
