// SPDX-License-Identifier: GPL-2.0
/*
 * stackcount: the stacks (user and/or kernel) that lead to a probe, counted in the kernel (stacks.bpf.h).
 * One generic program per attach type, attached by user space to every probe the spec resolved to;
 * nothing of the caller's spec becomes program text. The probe itself is the innermost frame of the
 * stacks it counts, so the stack key needs no probe index. Programs of unused attach types are not loaded.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>
#include "stacks.bpf.h"
#include "task_filter.bpf.h"

static __always_inline int count_stack(void *ctx)
{
	struct stack_key key = {};

	if (!current_task_passes())
		return 0;
	key.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(&key.comm, sizeof(key.comm));
	stacks_get_ids(ctx, &key);
	stacks_count(&key, 1);
	return 0;
}

SEC("uprobe")
int stackcount_uprobe(struct pt_regs *ctx)
{
	return count_stack(ctx);
}

SEC("tracepoint")
int stackcount_tracepoint(void *ctx)
{
	return count_stack(ctx);
}

/* Reads no USDT argument, but libbpf attaches USDT probes only to objects holding usdt.bpf.h's maps. */
SEC("usdt")
int stackcount_usdt(struct pt_regs *ctx)
{
	return count_stack(ctx);
}

SEC("kprobe")
int stackcount_kprobe(struct pt_regs *ctx)
{
	return count_stack(ctx);
}

char LICENSE[] SEC("license") = "GPL";
