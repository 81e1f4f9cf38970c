// SPDX-License-Identifier: GPL-2.0
/*
 * FFI benchmark: one ring-buffer record per getppid() of one process, as fast as that process can make
 * the syscall. The record is copied out of a per-CPU scratch buffer with bpf_ringbuf_output, the way
 * execsnoop submits its event; its size is a config constant so the bench can try several.
 * Compiled by the bench (bench/run.ts), never by build-bpf.sh: it is not a catalog tool.
 * .rodata holds targ_pid, event_size, burst as three u32 at offsets 0, 4, 8, so the C consumer can set
 * them without BTF lookups.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define MAX_EVENT 8192
#define NR_getppid 110

const volatile __u32 targ_pid = 0;
const volatile __u32 event_size = 512;
/* Records per syscall: one producer thread alone cannot make syscalls fast enough to load the consumer. */
const volatile __u32 burst = 1;

struct event {
	__u64 seq;
	__u32 pid;
	__u32 size;
	char rest[MAX_EVENT - 16];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct event);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2); /* 0: records emitted, 1: records lost (ring full) */
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

SEC("raw_tp/sys_enter")
int BPF_PROG(flood, struct pt_regs *regs, long nr)
{
	__u32 zero = 0, one = 1, size = event_size, i;
	struct event *e;
	__u64 *emitted, *lost;

	if (nr != NR_getppid || (bpf_get_current_pid_tgid() >> 32) != targ_pid)
		return 0;
	e = bpf_map_lookup_elem(&scratch, &zero);
	emitted = bpf_map_lookup_elem(&counters, &zero);
	lost = bpf_map_lookup_elem(&counters, &one);
	if (!e || !emitted || !lost)
		return 0;
	if (size < 16 || size > MAX_EVENT)
		return 0;
	e->pid = targ_pid;
	e->size = size;
	for (i = 0; i < 64 && i < burst; i++) {
		e->seq = (*emitted)++;
		if (bpf_ringbuf_output(&events, e, size, 0))
			(*lost)++;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
