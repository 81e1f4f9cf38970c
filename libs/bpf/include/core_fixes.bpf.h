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

/*
 * sock->sk_protocol became a u16 of its own in Linux 5.6; before, it was an 8-bit bitfield beside sk_type.
 * The bitfield relocations read either: byte offset, size and shifts come from the running kernel's BTF.
 */
static __always_inline __u16 get_sk_protocol(struct sock *sk)
{
	return BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
}

/*
 * oom:mark_victim passed only the victim's pid (tsk->pid) before Linux 6.9 (and its stable backports); since,
 * the victim task itself and its uid, with a record that grew comm and RSS fields, which is how CO-RE tells.
 * NULL on the older kernels: the caller then has only the pid, from ctx[0].
 */
struct trace_event_raw_mark_victim___x {
	unsigned long shmem_rss;
} __attribute__((preserve_access_index));

static __always_inline struct task_struct *mark_victim_task(__u64 *ctx)
{
	if (bpf_core_field_exists(struct trace_event_raw_mark_victim___x, shmem_rss))
		return (struct task_struct *)ctx[0];
	return (struct task_struct *)0;
}

/*
 * mm_struct->rss_stat became an array of percpu_counter in Linux 6.2 (a struct of atomic_long_t before: the
 * array flavour's field then does not match). Resident pages of an mm (file + anon + shmem, as the OOM
 * report and mark_victim count them), from the counters' approximate totals as get_mm_counter() reads them.
 */
struct mm_struct___pcp_rss {
	struct percpu_counter rss_stat[NR_MM_COUNTERS];
} __attribute__((preserve_access_index));

struct mm_rss_stat___o {
	atomic_long_t count[NR_MM_COUNTERS];
} __attribute__((preserve_access_index));

struct mm_struct___o_rss {
	struct mm_rss_stat___o rss_stat;
} __attribute__((preserve_access_index));

static __always_inline __u64 get_mm_rss_pages(void *mm)
{
	struct mm_struct___pcp_rss *pcp = mm;
	struct mm_struct___o_rss *old = mm;
	__s64 file, anon, shmem;

	if (bpf_core_field_exists(pcp->rss_stat)) {
		file = BPF_CORE_READ(pcp, rss_stat[MM_FILEPAGES].count);
		anon = BPF_CORE_READ(pcp, rss_stat[MM_ANONPAGES].count);
		shmem = BPF_CORE_READ(pcp, rss_stat[MM_SHMEMPAGES].count);
	} else {
		file = BPF_CORE_READ(old, rss_stat.count[MM_FILEPAGES].counter);
		anon = BPF_CORE_READ(old, rss_stat.count[MM_ANONPAGES].counter);
		shmem = BPF_CORE_READ(old, rss_stat.count[MM_SHMEMPAGES].counter);
	}
	/* Per-CPU deltas not yet folded in can leave a total briefly negative (percpu_counter_read_positive). */
	return (file > 0 ? file : 0) + (anon > 0 ? anon : 0) + (shmem > 0 ? shmem : 0);
}

#endif /* BPFLEET_CORE_FIXES_BPF_H */
