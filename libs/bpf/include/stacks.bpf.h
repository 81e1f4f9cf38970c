/*
 * What the stack tools (profile, offcputime, stackcount) share on the BPF side: one stack-trace map, one
 * hash of counts keyed by struct stack_key (stacks, process, comm), and the announcement of every process
 * whose user stack is counted, once, on the `new_pids` ring buffer, so that user space snapshots its maps
 * while it lives (it symbolizes at the end of the run, when short processes are gone).
 * libs/tools/src/runtime/stacks.ts is the one TS side. Declares the object's `dropped` counter: stacks
 * counted under a failed stack id, and counts lost because the counts map was full.
 */
#ifndef BPFLEET_STACKS_BPF_H
#define BPFLEET_STACKS_BPF_H

#include <bpf/bpf_helpers.h>
#include "maps.bpf.h"

#ifndef TASK_COMM_LEN
#define TASK_COMM_LEN 16
#endif

/* The kernel's default perf_event_max_stack: deeper frames are cut, as in perf and BCC. */
#define PERF_MAX_STACK_DEPTH 127
/* BCC profile's default: ~16 MB of preallocated stacks, few bucket collisions (-EEXIST) at 10k stacks. */
#define STACK_STORAGE_SIZE 16384
#define STACK_KEYS 10240
#define SEEN_PIDS 10240

/* bpf_get_stackid's "no such stack": a kernel thread's user stack, a user-mode sample's kernel stack. */
#define STACK_ID_NONE (-14) /* -EFAULT */
/* The id of a half the run does not collect (user space never looks at it). */
#define STACK_ID_NOT_COLLECTED (-1)

const volatile bool user_stacks = true;
const volatile bool kernel_stacks = true;

struct stack_key {
	__u32 pid; /* tgid */
	__u32 tid; /* 0 unless the tool keys by thread */
	__s32 user_stack_id;
	__s32 kern_stack_id;
	char comm[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, STACK_STORAGE_SIZE);
	__type(key, __u32);
	__uint(value_size, PERF_MAX_STACK_DEPTH * sizeof(__u64));
} stackmap SEC(".maps");

/* Samples, microseconds or events per stack_key, summed in the kernel. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, STACK_KEYS);
	__type(key, struct stack_key);
	__type(value, __u64);
} counts SEC(".maps");

/* Processes already announced on new_pids. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SEEN_PIDS);
	__type(key, __u32);
	__type(value, __u8);
} seen SEC(".maps");

/* One u32 pid per process seen for the first time. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} new_pids SEC(".maps");

BPFLEET_DROPPED_COUNTER

/* Fills key's stack ids with the stacks of the current task (at ctx) that the run collects. */
static __always_inline void stacks_get_ids(void *ctx, struct stack_key *key)
{
	key->user_stack_id = user_stacks ? bpf_get_stackid(ctx, &stackmap, BPF_F_USER_STACK) : STACK_ID_NOT_COLLECTED;
	key->kern_stack_id = kernel_stacks ? bpf_get_stackid(ctx, &stackmap, 0) : STACK_ID_NOT_COLLECTED;
}

static __always_inline bool stack_id_failed(__s32 id)
{
	return id < 0 && id != STACK_ID_NONE && id != STACK_ID_NOT_COLLECTED;
}

/* Announces key's process the first time one of its user stacks is counted (kernel threads have none). */
static __always_inline void stacks_announce(const struct stack_key *key)
{
	static const __u8 one = 1;
	__u32 pid = key->pid;

	if (key->user_stack_id < 0 || bpf_map_lookup_elem(&seen, &pid))
		return;
	/* Fails when another CPU just announced it, or when the map is full (then the live maps serve). */
	if (bpf_map_update_elem(&seen, &pid, &one, BPF_NOEXIST))
		return;
	if (bpf_ringbuf_output(&new_pids, &pid, sizeof(pid), 0))
		bpf_map_delete_elem(&seen, &pid); /* ring full: try again with its next stack */
}

/*
 * Adds n to key's count. A stack id that failed (-EEXIST: bucket taken by another stack; -ENOMEM: the
 * stack map is full) is still counted, under that id (user space marks it as a missing stack), and counts
 * as dropped once; a count that finds the counts map full is dropped.
 */
static __always_inline void stacks_count(const struct stack_key *key, __u64 n)
{
	static const __u64 zero;
	__u64 *total;

	total = bpf_map_lookup_or_try_init(&counts, key, &zero);
	if (!total || stack_id_failed(key->user_stack_id) || stack_id_failed(key->kern_stack_id))
		count_dropped();
	if (!total)
		return;
	__sync_fetch_and_add(total, n);
	stacks_announce(key);
}

#endif /* BPFLEET_STACKS_BPF_H */
