import { realpathSync, statfsSync, statSync } from 'node:fs';

/** Where every cgroup hierarchy is mounted: a filter path must resolve to a directory under it. */
const CGROUP_MOUNT = '/sys/fs/cgroup';

/** statfs f_type of a cgroup v2 filesystem (include/uapi/linux/magic.h). */
const CGROUP2_SUPER_MAGIC = 0x63677270;

/**
 * Cgroup v2 id of a cgroup directory: the inode number of its directory, which is what
 * bpf_get_current_cgroup_id() returns in the kernel. The path must be in a cgroup v2 hierarchy
 * (`/sys/fs/cgroup` on v2 hosts, `/sys/fs/cgroup/unified` on hybrid ones): the inode of a v1 cgroup is no
 * id the kernel's helpers ever return, so a filter on it would silently match nothing. Throws an Error
 * that names the path when it is not a directory under /sys/fs/cgroup once resolved (missing, a file, or
 * somewhere else: one message for all three), or is not in a v2 hierarchy.
 */
export function cgroupId(path: string): bigint {
  // One answer for "missing", "elsewhere" and "not a directory" outside a cgroup directory, so a caller
  // cannot use the filter to learn which files exist on the host.
  const notACgroup = () => new Error(`${path} is not a cgroup directory on this host (a directory under ${CGROUP_MOUNT})`);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw notACgroup();
  }
  if (real !== CGROUP_MOUNT && !real.startsWith(`${CGROUP_MOUNT}/`)) throw notACgroup();
  const st = statSync(real, { bigint: true });
  if (!st.isDirectory()) throw notACgroup();
  if (statfsSync(real).type !== CGROUP2_SUPER_MAGIC) {
    throw new Error(`${path} is not in a cgroup v2 hierarchy (BPF sees v2 cgroup ids only; on a hybrid host, use the path under /sys/fs/cgroup/unified)`);
  }
  return st.ino;
}
