// SPDX-License-Identifier: GPL-2.0
/*
 * argdist: the distribution of one value (an argument, a return value or a tracepoint field) at a probe,
 * as a log-linear histogram or as counts per distinct value, aggregated in the kernel. The value and the
 * filter are configuration (probe_args.bpf.h) that user space writes into `probe_configs[0]` after load:
 * the value is args[0]. One generic program per attach type; unused ones are not loaded.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>
#include "loglinear.bpf.h"
#include "maps.bpf.h"
#include "task_filter.bpf.h"
#include "argdist.h"

/* Counts per distinct value instead of a histogram. */
const volatile bool count_values = false;

PROBE_CONFIG_MAP(probe_configs, 1);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ARGDIST_MAX_VALUES);
	__type(key, struct argdist_key);
	__type(value, __u64);
} counts SEC(".maps");

LOGLINEAR_HIST_MAP(hist);
LOGLINEAR_TOTALS_MAP(totals);

/* Negative values of a signed value: outside a log-linear histogram, counted apart. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} negatives SEC(".maps");

BPFLEET_DROPPED_COUNTER

static __always_inline void count_value(void *ctx, int ctx_kind, const struct probe_arg_spec *value)
{
	struct argdist_key key = {};

	if (value->kind == PROBE_KIND_STR)
		probe_arg_string(ctx, ctx_kind, value, key.str);
	else
		key.num = probe_arg_number(ctx, ctx_kind, value);
	bump_counter(&counts, &key);
}

static __always_inline void histogram_value(void *ctx, int ctx_kind, const struct probe_arg_spec *value)
{
	__u64 v = probe_arg_number(ctx, ctx_kind, value);
	__u32 zero = 0;
	__u64 *n;

	if ((value->flags & PROBE_SIGNED) && (__s64)v < 0) {
		n = bpf_map_lookup_elem(&negatives, &zero);
		if (n)
			*n += 1;
		return;
	}
	loglinear_map_increment(&hist, v);
	loglinear_totals_add(&totals, v);
}

static __always_inline int argdist_hit(void *ctx, int ctx_kind)
{
	const struct probe_arg_config *c;
	__u32 zero = 0;

	if (!current_task_passes())
		return 0;
	c = bpf_map_lookup_elem(&probe_configs, &zero);
	if (!c || !probe_filter_passes(ctx, ctx_kind, &c->filter))
		return 0;
	if (count_values)
		count_value(ctx, ctx_kind, &c->args[0]);
	else
		histogram_value(ctx, ctx_kind, &c->args[0]);
	return 0;
}

SEC("uprobe")
int argdist_uprobe(struct pt_regs *ctx)
{
	return argdist_hit(ctx, PROBE_CTX_REGS);
}

SEC("tracepoint")
int argdist_tracepoint(void *ctx)
{
	return argdist_hit(ctx, PROBE_CTX_TRACEPOINT);
}

SEC("usdt")
int argdist_usdt(struct pt_regs *ctx)
{
	return argdist_hit(ctx, PROBE_CTX_USDT);
}

SEC("kprobe")
int argdist_kprobe(struct pt_regs *ctx)
{
	return argdist_hit(ctx, PROBE_CTX_REGS);
}

char LICENSE[] SEC("license") = "GPL";
