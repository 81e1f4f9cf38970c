/*
 * Every kernel-version difference the catalog meets, in one place (as libbpf-tools' core_fixes.bpf.h):
 * CO-RE flavours (`struct x___old`) plus bpf_core_field_exists pick the field the running kernel has,
 * so one object compiled once loads on old and new kernels alike.
 */
#ifndef BPFLEET_CORE_FIXES_BPF_H
#define BPFLEET_CORE_FIXES_BPF_H

#include <bpf/bpf_core_read.h>

/* task_struct->state was renamed __state in Linux 5.14. */
struct task_struct___o {
	volatile long int state;
} __attribute__((preserve_access_index));

struct task_struct___x {
	unsigned int __state;
} __attribute__((preserve_access_index));

static __always_inline __s64 get_task_state(void *task)
{
	struct task_struct___x *t = task;

	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___o *)task, state);
}

/* cfs_rq->nr_running was renamed nr_queued in Linux 6.14 (same meaning: entities queued on this cfs_rq). */
struct cfs_rq___o {
	unsigned int nr_running;
} __attribute__((preserve_access_index));

struct cfs_rq___x {
	unsigned int nr_queued;
} __attribute__((preserve_access_index));

static __always_inline __u32 get_cfs_nr_queued(void *cfs_rq)
{
	struct cfs_rq___x *rq = cfs_rq;

	if (bpf_core_field_exists(rq->nr_queued))
		return BPF_CORE_READ(rq, nr_queued);
	return BPF_CORE_READ((struct cfs_rq___o *)cfs_rq, nr_running);
}

/*
 * sched_process_exit gained a group_dead argument in Linux 6.16 (with its own event record, which is how
 * CO-RE tells). Before, the nearest to "the last thread of the process is exiting" is the exit of the
 * group leader, as libbpf-tools' exitsnoop takes it (early when the leader ends before other threads).
 * Reading ctx[1] only in the branch the relocation keeps lets the program attach to the one-argument
 * tracepoint of older kernels, which refuse programs that read past their arguments.
 */
struct trace_event_raw_sched_process_exit___x {
	bool group_dead;
} __attribute__((preserve_access_index));

static __always_inline bool sched_process_exit_group_dead(__u64 *ctx, struct task_struct *task)
{
	if (bpf_core_field_exists(struct trace_event_raw_sched_process_exit___x, group_dead))
		return (bool)ctx[1];
	return BPF_CORE_READ(task, pid) == BPF_CORE_READ(task, tgid);
}

#endif /* BPFLEET_CORE_FIXES_BPF_H */
