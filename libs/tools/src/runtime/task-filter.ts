import { cgroupId } from '../../../bpf/src/index.js';
import type { TaskFilterParams } from '../common-filters.js';

/**
 * The rodata of libs/bpf/include/task_filter.bpf.h for a tool's common filters: the one place that maps
 * `pid`, `tid`, `uid`, `comm` and `cgroup` onto the kernel's read-only config. The cgroup path is resolved
 * to its id here, on the host (ENOENT when it does not exist there).
 */
export function taskFilterRodata(p: TaskFilterParams) {
  return {
    targ_pid: p.pid,
    targ_tid: p.tid,
    targ_uid: p.uid,
    filter_comm: p.comm !== undefined,
    targ_comm: p.comm,
    filter_cg: p.cgroup !== undefined,
    targ_cgid: p.cgroup !== undefined ? cgroupId(p.cgroup) : undefined,
  };
}
