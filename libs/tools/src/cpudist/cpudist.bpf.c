// SPDX-License-Identifier: GPL-2.0
/*
 * cpudist: how long a task runs each time it is switched in (on-CPU), or how long it stays off the CPU
 * between two runs (off_cpu: blocked plus waiting in the run queue), as a log-linear histogram built in
 * the kernel. One event, sched_switch: the end of prev's run and the start of next's.
 *
 * Unlike libbpf-tools cpudist, every run counts, not only those of tasks preempted while runnable
 * (its on-CPU mode skips a prev that blocks): a task that runs then sleeps has runs too.
 * Raw tracepoint plus CO-RE reads, as runqlat.bpf.c (why: there). Filters apply to the task measured and
 * are checked when its interval starts, so the start map only ever holds tasks of interest.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "core_fixes.bpf.h"
#include "maps.bpf.h"
#include "task_filter.bpf.h"

#define MAX_ENTRIES 10240
#define TASK_DEAD 0x80 /* the state a task switches out with for the last time */

const volatile bool off_cpu = false;
const volatile bool per_pid = false;

/* tid → when its current interval (run, or time off the CPU) started (bpf_ktime_get_ns). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

/* Intervals lost because the start map was full, or left out of the breakdown because it was (still in the total). */
BPFLEET_DROPPED_COUNTER
#include "time_hist.bpf.h"

static __always_inline void begin(struct task_struct *t, __u64 now)
{
	__u32 tid = BPF_CORE_READ(t, pid);

	/* tid 0: the idle tasks, one per CPU, all with pid 0 */
	if (!tid || !task_passes(t))
		return;
	if (bpf_map_update_elem(&start, &tid, &now, BPF_ANY))
		count_dropped();
}

static __always_inline void end(struct task_struct *t, __u64 now)
{
	__u32 tid = BPF_CORE_READ(t, pid);
	__u64 *tsp = bpf_map_lookup_elem(&start, &tid);

	if (!tsp)
		return; /* filtered out, or its interval began before the probe was attached */
	if (now >= *tsp)
		time_hist_record(now - *tsp, per_pid, BPF_CORE_READ(t, tgid), true, t);
	bpf_map_delete_elem(&start, &tid);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(cpudist_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u64 now = bpf_ktime_get_ns();

	if (off_cpu) {
		/* A task switching out for good never comes back: keeping its start would only fill the map. */
		if (get_task_state(prev) != TASK_DEAD)
			begin(prev, now);
		end(next, now);
	} else {
		end(prev, now);
		begin(next, now);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
