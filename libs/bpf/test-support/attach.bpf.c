// SPDX-License-Identifier: GPL-2.0
/* Test programs for libs/bpf's attach types and map kinds; compiled by the tests with the build's flags. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

const volatile __u32 targ_pid = 0;
const volatile char targ_func[32] = {};

/* uprobe: calls per pid. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} calls SEC(".maps");

struct ret_stats {
	__u64 count;
	__u64 sum;
};

/* uretprobe: count and sum of return values per pid. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct ret_stats);
} rets SEC(".maps");

/* uretprobe: the most recent return values, in an LRU hash too small to hold them all. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16);
	__type(key, __u64);
	__type(value, __u64);
} recent_rets SEC(".maps");

/* USDT: calls per function name (as read from the probe's argument), for targ_pid. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, char[32]);
	__type(value, __u64);
} usdt_calls SEC(".maps");

/* USDT: calls of targ_func, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} usdt_matches SEC(".maps");

/* perf sampling: samples per CPU, samples of targ_pid, user stacks of targ_pid. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} cpu_samples SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} pid_samples SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__uint(value_size, 127 * sizeof(__u64));
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __s32);
	__type(value, __u64);
} stack_counts SEC(".maps");

/* kprobe (only where the kernel has them). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} kprobe_hits SEC(".maps");

static __always_inline void add(void *map, const void *key, __u64 n)
{
	static const __u64 zero;
	__u64 *v = bpf_map_lookup_elem(map, key);

	if (!v) {
		bpf_map_update_elem(map, key, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(map, key);
		if (!v)
			return;
	}
	__sync_fetch_and_add(v, n);
}

SEC("uprobe")
int BPF_KPROBE(count_calls)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	add(&calls, &pid, 1);
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(record_ret, int ret)
{
	static const struct ret_stats zero;
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u64 key = (__u64)(__s64)ret, one = 1;
	struct ret_stats *s;

	s = bpf_map_lookup_elem(&rets, &pid);
	if (!s) {
		bpf_map_update_elem(&rets, &pid, &zero, BPF_NOEXIST);
		s = bpf_map_lookup_elem(&rets, &pid);
		if (!s)
			return 0;
	}
	__sync_fetch_and_add(&s->count, 1);
	__sync_fetch_and_add(&s->sum, (__s64)ret);
	bpf_map_update_elem(&recent_rets, &key, &one, BPF_ANY);
	return 0;
}

SEC("usdt")
int BPF_USDT(py_function_entry, void *filename, void *funcname, int lineno)
{
	char name[32] = {};
	__u32 zero = 0;
	int i;

	if (targ_pid && (bpf_get_current_pid_tgid() >> 32) != targ_pid)
		return 0;
	bpf_probe_read_user_str(name, sizeof(name), funcname);
	add(&usdt_calls, name, 1);
	for (i = 0; i < sizeof(name); i++) {
		if (name[i] != targ_func[i])
			return 0;
		if (!name[i])
			break;
	}
	add(&usdt_matches, &zero, 1);
	return 0;
}

SEC("perf_event")
int sample(struct bpf_perf_event_data *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__s32 id;

	if (cpu < 256)
		add(&cpu_samples, &cpu, 1);
	if (!targ_pid || pid != targ_pid)
		return 0;
	add(&pid_samples, &pid, 1);
	id = bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK);
	add(&stack_counts, &id, 1);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(kprobe_hit)
{
	__u32 zero = 0;

	add(&kprobe_hits, &zero, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
