// SPDX-License-Identifier: GPL-2.0
/*
 * syscount: count system calls in the kernel, keyed by syscall number and optionally pid/comm,
 * with optional total latency. Raw syscall tracepoints (raw_tp/sys_enter, raw_tp/sys_exit): the same
 * events as raw_syscalls:sys_enter/sys_exit, but attachable without a tracefs mount.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "maps.bpf.h"
#include "syscount.h"
#include "task_filter.bpf.h"

const volatile bool failed_only = false;
const volatile bool measure_latency = false;
const volatile bool by_syscall = true;
const volatile bool by_pid = false;
const volatile bool by_comm = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct key_t);
	__type(value, struct value_t);
} counts SEC(".maps");

/* Exits not counted because the counts map was full. */
BPFLEET_DROPPED_COUNTER

SEC("raw_tp/sys_enter")
int BPF_PROG(syscount_enter, struct pt_regs *regs, long nr)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	__u64 ts;

	if (!measure_latency || !current_task_passes())
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &tid, &ts, BPF_ANY);
	return 0;
}

SEC("raw_tp/sys_exit")
int BPF_PROG(syscount_exit, struct pt_regs *regs, long ret)
{
	static const struct value_t zero;
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct key_t key = {};
	struct value_t *val;
	__u64 *startp, delta = 0;
	long nr;

	if (!current_task_passes())
		return 0;
	if (measure_latency) {
		startp = bpf_map_lookup_elem(&start, &tid);
		if (!startp)
			return 0; /* entered before the probes were attached */
		delta = bpf_ktime_get_ns() - *startp;
		bpf_map_delete_elem(&start, &tid);
	}
	if (failed_only && ret >= 0)
		return 0;
	nr = BPF_CORE_READ(regs, orig_ax);
	if (nr < 0)
		return 0;
	if (by_syscall)
		key.nr = nr;
	if (by_pid)
		key.pid = id >> 32;
	if (by_comm)
		bpf_get_current_comm(&key.comm, sizeof(key.comm));

	val = bpf_map_lookup_or_try_init(&counts, &key, &zero);
	if (!val) {
		count_dropped();
		return 0;
	}
	__sync_fetch_and_add(&val->count, 1);
	if (measure_latency)
		__sync_fetch_and_add(&val->total_ns, delta);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
