// SPDX-License-Identifier: GPL-2.0
/*
 * sofamily: new connections counted in the kernel by process, address family and direction. A connect(2)
 * names its family in the sockaddr it passes, read at entry: every call counts, whatever it returns. An
 * accept(2) / accept4(2) learns the family only when the kernel fills the caller's sockaddr inside the
 * syscall, so the pointer is stashed at entry and read at exit (from the new socket when the caller passed
 * NULL): only accepts that returned a connection count. A sockaddr that cannot be read (its page not
 * resident) and counts lost to a full map are counted as dropped.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "maps.bpf.h"
#define SOCKETS_ACCEPT_ARGS
#include "sockets.bpf.h"
#include "sofamily.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct family_key);
	__type(value, __u64);
} counts SEC(".maps");

BPFLEET_DROPPED_COUNTER

static __always_inline void count(__u16 family, __u16 direction)
{
	struct family_key key = { .family = family, .direction = direction };

	bpf_get_current_comm(&key.comm, sizeof(key.comm));
	bump_counter(&counts, &key);
}

/* connect(int fd, struct sockaddr *uservaddr, int addrlen) */
SEC("tp/syscalls/sys_enter_connect")
int sofamily_connect(struct trace_event_raw_sys_enter *ctx)
{
	__u16 family;

	if (!current_task_passes())
		return 0;
	if (!sockaddr_read_family((const void *)ctx->args[1], ctx->args[2], &family)) {
		count_dropped();
		return 0;
	}
	count(family, SOCK_DIRECTION_CONNECT);
	return 0;
}

static __always_inline int on_accept_exit(long ret)
{
	struct sock_addr peer = {};
	struct accept_args args;

	if (!accept_exit(&args) || ret < 0)
		return 0;
	if (!accept_peer(&args, ret, &peer)) {
		count_dropped();
		return 0;
	}
	count(peer.family, SOCK_DIRECTION_ACCEPT);
	return 0;
}

SEC("tp/syscalls/sys_enter_accept")
int sofamily_enter_accept(struct trace_event_raw_sys_enter *ctx)
{
	accept_enter(ctx);
	return 0;
}

SEC("tp/syscalls/sys_exit_accept")
int sofamily_exit_accept(struct trace_event_raw_sys_exit *ctx)
{
	return on_accept_exit(ctx->ret);
}

SEC("tp/syscalls/sys_enter_accept4")
int sofamily_enter_accept4(struct trace_event_raw_sys_enter *ctx)
{
	accept_enter(ctx);
	return 0;
}

SEC("tp/syscalls/sys_exit_accept4")
int sofamily_exit_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return on_accept_exit(ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
