// SPDX-License-Identifier: GPL-2.0
/*
 * soconnect: one event per connect(2), with the address it named, how long it took and what it returned.
 * The syscall tracepoints run in the caller's context, so the process is the one that called connect
 * whatever the protocol does later (a TCP handshake completes in softirq). The sockaddr is read at entry,
 * where it is the caller's argument, into an event stashed per thread; the exit adds the latency and the
 * return value and sends it. A sockaddr that cannot be read at entry (its page not resident) is counted
 * as dropped, like the events past the per-run bound (max_events_per_sec).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "maps.bpf.h"
#include "sockets.bpf.h"
#include "soconnect.h"

static const struct connect_event empty_event = {};

/* connect(2)s in progress: the event being built, by thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct connect_event);
} connects SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

BPFLEET_DROPPED_COUNTER
BPFLEET_EVENT_RATE_LIMIT

/* connect(int fd, struct sockaddr *uservaddr, int addrlen) */
SEC("tp/syscalls/sys_enter_connect")
int soconnect_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct connect_event *e;

	if (!current_task_passes())
		return 0;
	if (bpf_map_update_elem(&connects, &tid, &empty_event, BPF_ANY)) {
		count_dropped();
		return 0;
	}
	e = bpf_map_lookup_elem(&connects, &tid);
	if (!e)
		return 0;
	if (!sock_addr_read_user(&e->daddr, (const void *)ctx->args[1], ctx->args[2])) {
		bpf_map_delete_elem(&connects, &tid);
		count_dropped();
		return 0;
	}
	e->pid = id >> 32;
	e->ts = bpf_ktime_get_ns();
	return 0;
}

SEC("tp/syscalls/sys_exit_connect")
int soconnect_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct connect_event *e;
	__u64 now;

	e = bpf_map_lookup_elem(&connects, &tid);
	if (!e)
		return 0;
	now = bpf_ktime_get_ns();
	e->latency_ns = now - e->ts;
	e->ts = now;
	e->ret = ctx->ret;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	if (rate_limit_allows() && bpf_ringbuf_output(&events, e, sizeof(*e), 0))
		count_dropped();
	bpf_map_delete_elem(&connects, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
