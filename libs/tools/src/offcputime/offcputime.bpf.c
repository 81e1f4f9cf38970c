// SPDX-License-Identifier: GPL-2.0
/*
 * offcputime: time threads spend off-CPU (blocked, sleeping, or preempted and waiting), summed per stack
 * in the kernel, in microseconds. As libbpf-tools offcputime: at sched_switch the thread switched out
 * (prev, which is still `current` there) has its time and stacks stored; when it is switched in again
 * (next) the time it was off-CPU is added to the count of those stacks (stacks.bpf.h), if it lies within
 * [min_block_us, max_block_us] (BCC's -m / -M, inclusive).
 *
 * A raw tracepoint with CO-RE reads rather than tp_btf, for the reason runqlat.bpf.c gives: it relocates
 * against the minimized BTF and loads in a few ms instead of parsing the whole vmlinux BTF.
 * The idle task (pid 0) is left out: its "off-CPU" time is when the CPU was busy with something else.
 * Filters (and the state) are checked at switch-out, so the start map only holds threads of interest.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "core_fixes.bpf.h"
#include "stacks.bpf.h"
#include "task_filter.bpf.h"

#define MAX_THREADS 10240

const volatile __u64 min_block_us = 1;
const volatile __u64 max_block_us = (__u64)-1;
/* BCC's --state: 0 = only threads switched out runnable (preempted), else any of these TASK_* bits. */
const volatile bool filter_state = false;
const volatile __u32 targ_state = 0;

struct switched_out {
	__u64 ts;
	struct stack_key key;
};

/* tid → when it was switched out, and its stacks then. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_THREADS);
	__type(key, __u32);
	__type(value, struct switched_out);
} start SEC(".maps");

static __always_inline bool state_passes(struct task_struct *t)
{
	__u32 state;

	if (!filter_state)
		return true;
	state = get_task_state(t);
	return targ_state ? (state & targ_state) != 0 : state == 0;
}

SEC("raw_tp/sched_switch")
int BPF_PROG(offcputime_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct switched_out out = {}, *in;
	__u64 delta_us;
	__u32 tid;

	tid = BPF_CORE_READ(prev, pid);
	if (tid && state_passes(prev) && current_task_passes()) {
		out.key.pid = BPF_CORE_READ(prev, tgid);
		out.key.tid = tid;
		bpf_get_current_comm(&out.key.comm, sizeof(out.key.comm));
		stacks_get_ids(ctx, &out.key);
		out.ts = bpf_ktime_get_ns();
		if (bpf_map_update_elem(&start, &tid, &out, BPF_ANY))
			count_dropped(); /* MAX_THREADS blocked at once */
	}

	tid = BPF_CORE_READ(next, pid);
	in = bpf_map_lookup_elem(&start, &tid);
	if (!in)
		return 0; /* filtered out, or switched out before the probes were attached */
	delta_us = (bpf_ktime_get_ns() - in->ts) / 1000;
	if (delta_us >= min_block_us && delta_us <= max_block_us)
		stacks_count(&in->key, delta_us);
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
