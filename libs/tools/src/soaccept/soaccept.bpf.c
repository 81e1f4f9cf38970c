// SPDX-License-Identifier: GPL-2.0
/*
 * soaccept: one event per accept(2) / accept4(2), with the peer it returned and the local port. The kernel
 * fills the caller's sockaddr inside the syscall, so its pointer is stashed at entry and read at exit
 * (sockets.bpf.h); when the caller passed NULL the peer is read from the new descriptor's socket. The
 * local port and, for a failed accept, the family are the listening socket's, read at exit.
 * An accept that found no connection waiting (EAGAIN: a non-blocking socket polled) accepted nothing and
 * is not reported. Events past the per-run bound (max_events_per_sec) are counted as dropped.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "maps.bpf.h"
#define SOCKETS_ACCEPT_ARGS
#include "sockets.bpf.h"
#include "soaccept.h"

#define EAGAIN 11

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

BPFLEET_DROPPED_COUNTER
BPFLEET_EVENT_RATE_LIMIT

static __always_inline int on_exit(long ret)
{
	struct accept_args args;
	struct accept_event *e;
	struct sock *listener;

	if (!accept_exit(&args) || ret == -EAGAIN)
		return 0;
	if (!rate_limit_allows())
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_dropped();
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts = bpf_ktime_get_ns();
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->ret = ret;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	listener = sock_of_fd(args.fd);
	if (listener) {
		e->lport = sock_local_port(listener);
		e->raddr.family = sock_family(listener);
	}
	if (ret >= 0)
		accept_peer(&args, ret, &e->raddr);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* accept(int fd, struct sockaddr *upeer_sockaddr, int *upeer_addrlen) */
SEC("tp/syscalls/sys_enter_accept")
int soaccept_enter_accept(struct trace_event_raw_sys_enter *ctx)
{
	accept_enter(ctx);
	return 0;
}

SEC("tp/syscalls/sys_exit_accept")
int soaccept_exit_accept(struct trace_event_raw_sys_exit *ctx)
{
	return on_exit(ctx->ret);
}

/* accept4(int fd, struct sockaddr *upeer_sockaddr, int *upeer_addrlen, int flags) */
SEC("tp/syscalls/sys_enter_accept4")
int soaccept_enter_accept4(struct trace_event_raw_sys_enter *ctx)
{
	accept_enter(ctx);
	return 0;
}

SEC("tp/syscalls/sys_exit_accept4")
int soaccept_exit_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return on_exit(ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
