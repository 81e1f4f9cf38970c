// SPDX-License-Identifier: GPL-2.0
/*
 * runqslower: one event per run-queue wait of at least min_us, naming the task that ran before the waiter
 * got the CPU. The waits are runqlat's (see runqlat.bpf.c: same raw tracepoints, same reasons): a task
 * waits from sched_wakeup / sched_wakeup_new, or from being preempted while runnable, until sched_switch
 * switches it in. Filters apply to the task that waits, at enqueue time. Events past the per-run bound
 * (max_events_per_sec) are counted as dropped.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "core_fixes.bpf.h"
#include "maps.bpf.h"
#include "task_filter.bpf.h"
#include "runqslower.h"

#define MAX_ENTRIES 10240
#define TASK_RUNNING 0

const volatile __u64 min_us = 10000;

/* tid → time it became runnable (bpf_ktime_get_ns). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

BPFLEET_DROPPED_COUNTER
BPFLEET_EVENT_RATE_LIMIT

static __always_inline void enqueue(struct task_struct *t)
{
	__u32 tid = BPF_CORE_READ(t, pid);
	__u64 ts;

	if (!tid || !task_passes(t)) /* tid 0: the idle task never waits */
		return;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &tid, &ts, BPF_ANY);
}

SEC("raw_tp/sched_wakeup")
int BPF_PROG(runqslower_wakeup, struct task_struct *p)
{
	enqueue(p);
	return 0;
}

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(runqslower_wakeup_new, struct task_struct *p)
{
	enqueue(p);
	return 0;
}

SEC("raw_tp/sched_switch")
int BPF_PROG(runqslower_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u64 *tsp, enqueued, now, latency_us;
	struct event *e;
	__u32 tid;

	/* Preempted while runnable: it waits in the queue from now on. */
	if (get_task_state(prev) == TASK_RUNNING)
		enqueue(prev);

	tid = BPF_CORE_READ(next, pid);
	tsp = bpf_map_lookup_elem(&start, &tid);
	if (!tsp)
		return 0; /* filtered out, or runnable since before the probes were attached */
	enqueued = *tsp;
	bpf_map_delete_elem(&start, &tid);
	now = bpf_ktime_get_ns();
	if (now < enqueued)
		return 0;
	latency_us = (now - enqueued) / 1000;
	if (latency_us < min_us || !rate_limit_allows())
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_dropped();
		return 0;
	}
	e->ts = now;
	e->latency_us = latency_us;
	e->pid = BPF_CORE_READ(next, tgid);
	e->tid = tid;
	e->prev_pid = BPF_CORE_READ(prev, tgid);
	e->cpu = bpf_get_smp_processor_id();
	BPF_CORE_READ_STR_INTO(&e->comm, next, comm);
	BPF_CORE_READ_STR_INTO(&e->prev_comm, prev, comm);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
