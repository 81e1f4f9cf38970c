// SPDX-License-Identifier: GPL-2.0
/*
 * funccount: calls of user functions, tracepoints, USDT probes (and kernel functions where the host has
 * kprobes), counted in the kernel. One generic program per attach type: user space attaches it to every
 * probe a spec resolved to, with the probe's index as its BPF cookie, and the program adds one to that
 * index of a per-CPU array. Nothing of the caller's spec becomes program text. Programs of attach types
 * a run does not use are not loaded (autoload off).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>
#include "task_filter.bpf.h"

/* probes/spec.ts MAX_PROBES: a run attaches at most this many probes (cookies 0 .. MAX_PROBES - 1). */
#define MAX_PROBES 1000

/* Calls per probe, by cookie. Per CPU: a hot function's probe never contends on one counter. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAX_PROBES);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline int count(__u64 cookie)
{
	__u32 index = cookie;
	__u64 *n;

	if (!current_task_passes())
		return 0;
	n = bpf_map_lookup_elem(&counts, &index);
	if (n)
		*n += 1;
	return 0;
}

SEC("uprobe")
int funccount_uprobe(struct pt_regs *ctx)
{
	return count(bpf_get_attach_cookie(ctx));
}

SEC("tracepoint")
int funccount_tracepoint(void *ctx)
{
	return count(bpf_get_attach_cookie(ctx));
}

SEC("usdt")
int funccount_usdt(struct pt_regs *ctx)
{
	return count(bpf_usdt_cookie(ctx));
}

SEC("kprobe")
int funccount_kprobe(struct pt_regs *ctx)
{
	return count(bpf_get_attach_cookie(ctx));
}

char LICENSE[] SEC("license") = "GPL";
