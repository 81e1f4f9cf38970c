/*
 * Run-queue waits, shared by runqlat (a histogram of them) and runqslower (an event per long one), as
 * libbpf-tools' runqlat tracks them: a task starts waiting at sched_wakeup / sched_wakeup_new, or when it
 * is switched out while still TASK_RUNNING (preempted), and stops when sched_switch switches it in. Raw
 * tracepoints with CO-RE (no tracefs, and a minimized BTF loads in ~2 ms). Filters (task_filter.bpf.h)
 * apply to the task that waits, at enqueue time, so the start map only ever holds tasks of interest.
 *
 *   RUNQ_WAKEUP_PROGRAMS(tool)          the two wake-up programs, named <tool>_wakeup and <tool>_wakeup_new
 *   runq_switch(prev, next, now, &ns)   in the tool's sched_switch program: true with next's wait in ns
 */
#ifndef BPFLEET_RUNQ_BPF_H
#define BPFLEET_RUNQ_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "core_fixes.bpf.h"
#include "task_filter.bpf.h"

#define RUNQ_MAX_WAITING 10240
#define RUNQ_TASK_RUNNING 0

/* tid → when it became runnable (bpf_ktime_get_ns). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RUNQ_MAX_WAITING);
	__type(key, __u32);
	__type(value, __u64);
} runq_start SEC(".maps");

static __always_inline void runq_enqueue(struct task_struct *t)
{
	__u32 tid = BPF_CORE_READ(t, pid);
	__u64 ts;

	if (!tid || !task_passes(t)) /* tid 0: the idle task never waits */
		return;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&runq_start, &tid, &ts, BPF_ANY);
}

/*
 * At a switch from prev to next: prev, preempted while runnable, starts waiting; next stops. True, with
 * next's wait in *wait_ns, when next's wait was seen from its start (it passed the filters, and became
 * runnable after the probes were attached).
 */
static __always_inline bool runq_switch(struct task_struct *prev, struct task_struct *next, __u64 now, __u64 *wait_ns)
{
	__u32 tid;
	__u64 *tsp, since;

	if (get_task_state(prev) == RUNQ_TASK_RUNNING)
		runq_enqueue(prev);
	tid = BPF_CORE_READ(next, pid);
	tsp = bpf_map_lookup_elem(&runq_start, &tid);
	if (!tsp)
		return false;
	since = *tsp;
	bpf_map_delete_elem(&runq_start, &tid);
	if (now < since)
		return false;
	*wait_ns = now - since;
	return true;
}

#define RUNQ_WAKEUP_PROGRAMS(tool)                                                   \
	SEC("raw_tp/sched_wakeup")                                                   \
	int BPF_PROG(tool##_wakeup, struct task_struct *p)                           \
	{                                                                            \
		runq_enqueue(p);                                                     \
		return 0;                                                            \
	}                                                                            \
	SEC("raw_tp/sched_wakeup_new")                                               \
	int BPF_PROG(tool##_wakeup_new, struct task_struct *p)                       \
	{                                                                            \
		runq_enqueue(p);                                                     \
		return 0;                                                            \
	}

#endif /* BPFLEET_RUNQ_BPF_H */
