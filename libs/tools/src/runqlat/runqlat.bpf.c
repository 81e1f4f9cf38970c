// SPDX-License-Identifier: GPL-2.0
/*
 * runqlat: run-queue (scheduler) latency, the time a task waits runnable before it runs, as a
 * log-linear histogram built in the kernel. Same events as libbpf-tools runqlat: a task becomes
 * runnable at sched_wakeup / sched_wakeup_new, or when it is preempted while still TASK_RUNNING
 * (sched_switch, prev); it stops waiting when it is switched in (sched_switch, next).
 * Raw tracepoints (raw_tp), not BTF tracepoints (tp_btf): a tp_btf program needs the vmlinux BTF id of its
 * target, so libbpf 1.1 reads and parses the whole 5.5 MB vmlinux BTF on every load (~14 ms); a raw_tp
 * program with CO-RE relocated against a minimized BTF (BpfObject.open's minimizedBtf) loads in ~2 ms.
 * The price is reading task fields with BPF_CORE_READ (bpf_probe_read_kernel) instead of direct loads:
 * ~40-70 ns more per event (docs/PERFORMANCE.md). No tracefs needed either way.
 *
 * Filters apply to the task that waits (not to whichever task is current when it is woken, which is
 * what libbpf-tools' cgroup filter looks at), and are checked at enqueue time, so the start map only
 * ever holds tasks of interest.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "core_fixes.bpf.h"
#include "loglinear.bpf.h"
#include "maps.bpf.h"
#include "task_filter.bpf.h"

#define MAX_ENTRIES 10240
#define MAX_KEYS 1024
#define TASK_RUNNING 0

/* Divisor from ns to the unit of the histogram slots: 1000 (µs) or 1000000 (ms). */
const volatile __u64 unit_ns = 1000;
const volatile bool per_pid = false;
const volatile bool per_cpu = false;

/* tid → time it became runnable (bpf_ktime_get_ns). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

LOGLINEAR_HIST_MAP(hist);
LOGLINEAR_TOTALS_MAP(totals); /* nanoseconds */

/* tgid or cpu → histogram; allocated on first use (a preallocated map would cost ~8 MB). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_KEYS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct loglinear_keyed);
} keyed SEC(".maps");

/* Latencies not broken down because the keyed map was full (they still count in the total). */
BPFLEET_DROPPED_COUNTER

static __always_inline void enqueue(struct task_struct *t)
{
	__u32 tid = BPF_CORE_READ(t, pid);
	__u64 ts;

	if (!tid || !task_passes(t)) /* tid 0: the idle task never waits */
		return;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &tid, &ts, BPF_ANY);
}

static __always_inline void record(struct task_struct *next, __u64 delta_ns)
{
	struct loglinear_keyed *k;
	__u64 v = delta_ns / unit_ns;
	bool created;
	__u32 key;

	loglinear_map_increment(&hist, v);
	loglinear_totals_add(&totals, delta_ns);
	if (!per_pid && !per_cpu)
		return;
	key = per_pid ? BPF_CORE_READ(next, tgid) : bpf_get_smp_processor_id();
	k = loglinear_keyed_get(&keyed, &key, created);
	if (!k) {
		count_dropped();
		return;
	}
	if (created && per_pid)
		BPF_CORE_READ_STR_INTO(&k->comm, next, group_leader, comm);
	loglinear_hist_increment(&k->hist, v);
}

SEC("raw_tp/sched_wakeup")
int BPF_PROG(runqlat_wakeup, struct task_struct *p)
{
	enqueue(p);
	return 0;
}

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(runqlat_wakeup_new, struct task_struct *p)
{
	enqueue(p);
	return 0;
}

SEC("raw_tp/sched_switch")
int BPF_PROG(runqlat_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u32 tid;
	__u64 *tsp;
	__s64 delta;

	/* Preempted while runnable: it waits in the queue from now on. */
	if (get_task_state(prev) == TASK_RUNNING)
		enqueue(prev);

	tid = BPF_CORE_READ(next, pid);
	tsp = bpf_map_lookup_elem(&start, &tid);
	if (!tsp)
		return 0; /* filtered out, or runnable since before the probes were attached */
	delta = (__s64)(bpf_ktime_get_ns() - *tsp);
	if (delta >= 0)
		record(next, delta);
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
