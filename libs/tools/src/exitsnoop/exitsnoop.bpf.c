// SPDX-License-Identifier: GPL-2.0
/*
 * exitsnoop: one event per process exit (or per thread exit), with its exit code or signal and how long it
 * lived. Attached to the sched_process_exit raw tracepoint, which fires in do_exit() in the context of
 * the exiting task, once its exit code is set. Raw tracepoint + CO-RE rather than tp_btf for load time
 * (see runqlat.bpf.c).
 *
 * A process exits when its last thread does (group_dead), not when its leader does: the leader may end
 * first while other threads go on, and wait(2) only reports the process once the last one is gone
 * (kernels before 6.16 do not say which thread is the last: see core_fixes.bpf.h). Filters and the
 * reported comm, lifetime and status are those of the process (its leader), or of the thread with
 * `trace_threads`. Events past the per-run bound (max_events_per_sec) are counted as dropped.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "core_fixes.bpf.h"
#include "maps.bpf.h"
#include "task_filter.bpf.h"
#include "exitsnoop.h"

/* include/linux/sched/signal.h: the whole thread group is exiting (exit_group, a fatal signal). */
#define SIGNAL_GROUP_EXIT 0x00000004

const volatile bool failed_only = false;
const volatile bool trace_threads = false;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

BPFLEET_DROPPED_COUNTER
BPFLEET_EVENT_RATE_LIMIT

/*
 * The status wait(2) reports for `t` (wait_task_zombie): once the whole group exits (exit_group, a fatal
 * signal) the group's code, the only one that carries the core-dump bit (set after the dump, when other
 * threads may be gone already); else `t`'s own.
 */
static __always_inline int wait_status(struct task_struct *t)
{
	struct signal_struct *sig = BPF_CORE_READ(t, signal);

	if (BPF_CORE_READ(sig, flags) & SIGNAL_GROUP_EXIT)
		return BPF_CORE_READ(sig, group_exit_code);
	return BPF_CORE_READ(t, exit_code);
}

/* raw_tp sched_process_exit(struct task_struct *p[, bool group_dead]): p is current. */
SEC("raw_tp/sched_process_exit")
int exitsnoop_exit(__u64 *ctx)
{
	struct task_struct *task = (struct task_struct *)ctx[0];
	struct task_struct *reported;
	struct event *e;
	int status;
	__u64 now;

	if (!trace_threads && !sched_process_exit_group_dead(ctx, task))
		return 0;
	reported = trace_threads ? task : BPF_CORE_READ(task, group_leader);
	if (!task_passes(reported))
		return 0;
	status = wait_status(reported);
	if (failed_only && !status)
		return 0;
	if (!rate_limit_allows())
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_dropped();
		return 0;
	}
	now = bpf_ktime_get_ns();
	e->ts = now;
	e->lifetime_ns = now - BPF_CORE_READ(reported, start_time);
	e->pid = BPF_CORE_READ(task, tgid);
	e->tid = BPF_CORE_READ(task, pid);
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->status = status;
	BPF_CORE_READ_STR_INTO(&e->comm, reported, comm);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
