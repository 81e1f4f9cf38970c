// SPDX-License-Identifier: GPL-2.0
/*
 * execsnoop: one event per execve/execveat, with argv and the return value.
 * Like libbpf-tools execsnoop, argv is stashed at syscall entry in a hash keyed by tid and emitted at
 * exit (where the return value and, after a successful exec, the new program's comm are known).
 *
 * Attached to the per-syscall tracepoints syscalls:sys_{enter,exit}_{execve,execveat}, so the programs
 * run only on execs, not on every syscall of the host as raw_syscalls would (the runtime mounts tracefs,
 * which attaching them needs). Events past the per-run bound (max_events_per_sec) are counted as dropped.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "maps.bpf.h"
#include "task_filter.bpf.h"
#include "execsnoop.h"

/* Filters beyond task_filter.bpf.h's, set by the runner before load (read-only once loaded). */
const volatile bool failed_only = false;
const volatile __u32 name_len = 0;
const volatile char name_contains[NAME_MAX_LEN] = {};
const volatile __s32 max_args = 20;

static const struct event empty_event = {};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct event);
} execs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} events SEC(".maps");

BPFLEET_DROPPED_COUNTER
BPFLEET_EVENT_RATE_LIMIT

static __always_inline int on_enter(const char *filename, const char *const *argv)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct task_struct *task;
	struct event *e;
	const char *argp;
	int i, n;
	__u32 sz;

	if (!current_task_passes())
		return 0;
	if (bpf_map_update_elem(&execs, &tid, &empty_event, BPF_NOEXIST))
		return 0;
	e = bpf_map_lookup_elem(&execs, &tid);
	if (!e)
		return 0;

	task = (struct task_struct *)bpf_get_current_task();
	e->pid = id >> 32;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_probe_read_user_str(e->filename, sizeof(e->filename), filename);

	sz = 0;
	for (i = 0; i < TOTAL_MAX_ARGS && i < max_args; i++) {
		argp = 0;
		if (bpf_probe_read_user(&argp, sizeof(argp), &argv[i]) || !argp)
			break;
		/*
		 * Bound and use must be the same register: without the barrier clang may check the
		 * previous size and index with the new one, which the verifier rejects as unbounded.
		 */
		asm volatile("" : "+r"(sz));
		if (sz > FULL_MAX_ARGS_ARR - ARGSIZE)
			break;
		n = bpf_probe_read_user_str(&e->args[sz], ARGSIZE, argp);
		if (n <= 0)
			break;
		e->args_count++;
		sz += n;
	}
	e->args_size = sz;
	/* One more argument than captured: mark truncation like execsnoop ("..."). */
	if (i == max_args && i < TOTAL_MAX_ARGS) {
		argp = 0;
		bpf_probe_read_user(&argp, sizeof(argp), &argv[i]);
		if (argp)
			e->args_count++;
	}
	return 0;
}

/* filename and args are contiguous in struct event, so one haystack covers both. */
#define HAY_LEN (FILENAME_LEN + FULL_MAX_ARGS_ARR)

struct match_ctx {
	__u32 tid;
	__u32 hay_len;
	bool found;
};

/* bpf_loop callback: does name_contains occur at position pos? */
static long match_at(__u32 pos, struct match_ctx *m)
{
	struct event *e = bpf_map_lookup_elem(&execs, &m->tid);
	const char *hay;
	__u64 j, idx;

	if (!e)
		return 1;
	hay = (const char *)e + __builtin_offsetof(struct event, filename);
	for (j = 0; j < NAME_MAX_LEN; j++) {
		if (j >= name_len)
			break;
		/* 64-bit index, so the bound the verifier sees is on the very register used below. */
		idx = (__u64)pos + j;
		if (idx >= HAY_LEN || idx >= m->hay_len)
			return 0;
		asm volatile("" : "+r"(idx));
		if (hay[idx] != name_contains[j])
			return 0;
	}
	m->found = true;
	return 1; /* stop the loop */
}

static __always_inline int on_exit(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct event *e;
	__u64 args_size;

	e = bpf_map_lookup_elem(&execs, &tid);
	if (!e)
		return 0;
	if (failed_only && ret >= 0)
		goto cleanup;
	if (name_len) {
		/* NUL bytes separate filename and argv strings, so a match never spans two of them. */
		struct match_ctx m = { .tid = tid, .hay_len = FILENAME_LEN + e->args_size, .found = false };

		if (m.hay_len > HAY_LEN)
			m.hay_len = HAY_LEN;
		bpf_loop(m.hay_len, match_at, &m, 0);
		if (!m.found)
			goto cleanup;
	}
	if (!rate_limit_allows())
		goto cleanup;
	e->retval = ret;
	e->ts = bpf_ktime_get_ns();
	/* After a successful exec, comm is already the new program's. */
	bpf_get_current_comm(&e->comm, sizeof(e->comm));

	/*
	 * The event lives in the hash map already, so copy it out rather than reserve + build, and only the
	 * used part of args (libbpf-tools' EVENT_SIZE): a typical record is a few hundred bytes, not 8 KB.
	 */
	args_size = e->args_size;
	if (args_size > FULL_MAX_ARGS_ARR)
		args_size = FULL_MAX_ARGS_ARR;
	if (bpf_ringbuf_output(&events, e, EVENT_BASE_SIZE + args_size, 0))
		count_dropped();
cleanup:
	bpf_map_delete_elem(&execs, &tid);
	return 0;
}

SEC("tp/syscalls/sys_enter_execve")
int execsnoop_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	return on_enter((const char *)ctx->args[0], (const char *const *)ctx->args[1]);
}

SEC("tp/syscalls/sys_exit_execve")
int execsnoop_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	return on_exit(ctx->ret);
}

/* execveat(dirfd, pathname, argv, envp, flags) */
SEC("tp/syscalls/sys_enter_execveat")
int execsnoop_enter_execveat(struct trace_event_raw_sys_enter *ctx)
{
	return on_enter((const char *)ctx->args[1], (const char *const *)ctx->args[2]);
}

SEC("tp/syscalls/sys_exit_execveat")
int execsnoop_exit_execveat(struct trace_event_raw_sys_exit *ctx)
{
	return on_exit(ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
