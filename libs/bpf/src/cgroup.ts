import { statfsSync, statSync } from 'node:fs';

/** statfs f_type of a cgroup v2 filesystem (include/uapi/linux/magic.h). */
const CGROUP2_SUPER_MAGIC = 0x63677270;

/**
 * Cgroup v2 id of a cgroup directory: the inode number of its directory, which is what
 * bpf_get_current_cgroup_id() returns in the kernel. The path must be in a cgroup v2 hierarchy
 * (`/sys/fs/cgroup` on v2 hosts, `/sys/fs/cgroup/unified` on hybrid ones): the inode of a v1 cgroup is no
 * id the kernel's helpers ever return, so a filter on it would silently match nothing. Throws an Error
 * that names the path when it does not exist, is no directory, or is not in a v2 hierarchy.
 */
export function cgroupId(path: string): bigint {
  let st;
  try {
    st = statSync(path, { bigint: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`cgroup ${path} does not exist on this host`);
    throw err;
  }
  if (!st.isDirectory()) throw new Error(`cgroup ${path} is not a directory`);
  if (statfsSync(path).type !== CGROUP2_SUPER_MAGIC) {
    throw new Error(`${path} is not in a cgroup v2 hierarchy (BPF sees v2 cgroup ids only; on a hybrid host, use the path under /sys/fs/cgroup/unified)`);
  }
  return st.ino;
}
