/*
 * The common task filters of the catalog (pid, tid, uid, comm, cgroup), as libbpf-tools declares them:
 * `const volatile` read-only config set from user space before load (libs/tools/src/task-filter.ts builds
 * it from a tool's params), so the verifier prunes every filter that is off. Include it once per object.
 *
 *   current_task_passes()  the task running now (most probes fire in the context of the task of interest);
 *   task_passes(t)         any task, e.g. the task being woken or switched in, which is not current.
 */
#ifndef BPFLEET_TASK_FILTER_BPF_H
#define BPFLEET_TASK_FILTER_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include "filters.bpf.h"

#define INVALID_UID ((__u32)-1)

const volatile __u32 targ_pid = 0; /* a process: tgid */
const volatile __u32 targ_tid = 0; /* a thread */
const volatile __u32 targ_uid = INVALID_UID;
const volatile bool filter_comm = false;
const volatile char targ_comm[TASK_COMM_LEN] = {};
const volatile bool filter_cg = false;
const volatile __u64 targ_cgid = 0; /* cgroup v2 id: the inode of its directory */

static __always_inline bool current_task_passes(void)
{
	__u64 id = bpf_get_current_pid_tgid();
	char comm[TASK_COMM_LEN];

	if (targ_pid && targ_pid != id >> 32)
		return false;
	if (targ_tid && targ_tid != (__u32)id)
		return false;
	if (targ_uid != INVALID_UID && targ_uid != (__u32)bpf_get_current_uid_gid())
		return false;
	if (filter_cg && bpf_get_current_cgroup_id() != targ_cgid)
		return false;
	if (filter_comm) {
		bpf_get_current_comm(comm, sizeof(comm));
		if (!comm_equals(comm, targ_comm))
			return false;
	}
	return true;
}

static __always_inline bool task_passes(struct task_struct *t)
{
	char comm[TASK_COMM_LEN];

	if (targ_pid && targ_pid != BPF_CORE_READ(t, tgid))
		return false;
	if (targ_tid && targ_tid != BPF_CORE_READ(t, pid))
		return false;
	if (targ_uid != INVALID_UID && targ_uid != BPF_CORE_READ(t, cred, uid.val))
		return false;
	/* The default (v2) hierarchy's cgroup, as bpf_get_current_cgroup_id() reads it for current. */
	if (filter_cg && BPF_CORE_READ(t, cgroups, dfl_cgrp, kn, id) != targ_cgid)
		return false;
	if (filter_comm) {
		BPF_CORE_READ_STR_INTO(&comm, t, comm);
		if (!comm_equals(comm, targ_comm))
			return false;
	}
	return true;
}

#endif /* BPFLEET_TASK_FILTER_BPF_H */
