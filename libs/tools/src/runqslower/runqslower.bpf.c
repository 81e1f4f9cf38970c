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
#include "maps.bpf.h"
#include "runq.bpf.h"
#include "runqslower.h"

const volatile __u64 min_us = 10000;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

BPFLEET_DROPPED_COUNTER
BPFLEET_EVENT_RATE_LIMIT

RUNQ_WAKEUP_PROGRAMS(runqslower)

SEC("raw_tp/sched_switch")
int BPF_PROG(runqslower_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u64 now = bpf_ktime_get_ns(), wait_ns, latency_us;
	struct event *e;

	if (!runq_switch(prev, next, now, &wait_ns))
		return 0;
	latency_us = wait_ns / 1000;
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
	e->tid = BPF_CORE_READ(next, pid);
	e->prev_pid = BPF_CORE_READ(prev, tgid);
	e->cpu = bpf_get_smp_processor_id();
	BPF_CORE_READ_STR_INTO(&e->comm, next, comm);
	BPF_CORE_READ_STR_INTO(&e->prev_comm, prev, comm);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
