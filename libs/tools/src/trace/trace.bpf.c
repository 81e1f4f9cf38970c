// SPDX-License-Identifier: GPL-2.0
/*
 * trace: one event per hit of the caller's probes, with the arguments and return value the caller chose,
 * kept only when the probe's filter passes (compared here, in the kernel). One generic program per attach
 * type; user space attaches it to every probe with the probe's index as cookie and writes each probe's
 * configuration (probe_args.bpf.h) into `probe_configs` under that index. Nothing of the caller's params
 * becomes program text. Programs of attach types a run does not use are not loaded (autoload off).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>
#include "maps.bpf.h"
#include "task_filter.bpf.h"
#include "trace.h"

PROBE_CONFIG_MAP(probe_configs, TRACE_MAX_PROBES);

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} events SEC(".maps");

BPFLEET_DROPPED_COUNTER
BPFLEET_EVENT_RATE_LIMIT

static __always_inline int trace_hit(void *ctx, int ctx_kind, __u64 cookie)
{
	const struct probe_arg_config *c;
	struct trace_hit_event *e;
	__u32 index = cookie;
	__u64 id;
	int i;

	if (!current_task_passes())
		return 0;
	c = bpf_map_lookup_elem(&probe_configs, &index);
	if (!c || !probe_filter_passes(ctx, ctx_kind, &c->filter))
		return 0;
	if (!rate_limit_allows())
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_dropped();
		return 0;
	}
	id = bpf_get_current_pid_tgid();
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->probe = index;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	for (i = 0; i < PROBE_ARGS_MAX; i++) {
		e->nums[i] = 0;
		if (c->args[i].source == PROBE_ARG_NONE)
			continue;
		if (c->args[i].kind == PROBE_KIND_STR)
			probe_arg_string(ctx, ctx_kind, &c->args[i], e->strs[i]);
		else
			e->nums[i] = probe_arg_number(ctx, ctx_kind, &c->args[i]);
	}
	e->retval = probe_arg_number(ctx, ctx_kind, &c->ret);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("uprobe")
int trace_uprobe(struct pt_regs *ctx)
{
	return trace_hit(ctx, PROBE_CTX_REGS, bpf_get_attach_cookie(ctx));
}

SEC("tracepoint")
int trace_tracepoint(void *ctx)
{
	return trace_hit(ctx, PROBE_CTX_TRACEPOINT, bpf_get_attach_cookie(ctx));
}

SEC("usdt")
int trace_usdt(struct pt_regs *ctx)
{
	return trace_hit(ctx, PROBE_CTX_USDT, bpf_usdt_cookie(ctx));
}

SEC("kprobe")
int trace_kprobe(struct pt_regs *ctx)
{
	return trace_hit(ctx, PROBE_CTX_REGS, bpf_get_attach_cookie(ctx));
}

char LICENSE[] SEC("license") = "GPL";
