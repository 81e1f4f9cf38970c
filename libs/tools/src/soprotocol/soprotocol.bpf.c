// SPDX-License-Identifier: GPL-2.0
/*
 * soprotocol: new connections counted in the kernel by process and transport protocol, read from the
 * socket itself (fd → struct socket → sock->sk_protocol, CO-RE; core_fixes.bpf.h reads it on kernels
 * where it is a bitfield). A connect(2) counts at entry, every call on a socket, whatever it returns; an
 * accept(2) / accept4(2) counts at exit when it returned a connection, by the new socket. Counts lost to a
 * full map are counted as dropped.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "core_fixes.bpf.h"
#include "maps.bpf.h"
#include "sockets.bpf.h"
#include "soprotocol.h"

const volatile bool count_connects = true;
const volatile bool count_accepts = true;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct protocol_key);
	__type(value, __u64);
} counts SEC(".maps");

BPFLEET_DROPPED_COUNTER

static __always_inline void count(int fd)
{
	struct protocol_key key = {};
	struct sock *sk;

	sk = sock_of_fd(fd);
	if (!sk)
		return;
	key.family = sock_family(sk);
	key.protocol = get_sk_protocol(sk);
	bpf_get_current_comm(&key.comm, sizeof(key.comm));
	bump_counter(&counts, &key);
}

/* connect(int fd, struct sockaddr *uservaddr, int addrlen) */
SEC("tp/syscalls/sys_enter_connect")
int soprotocol_connect(struct trace_event_raw_sys_enter *ctx)
{
	if (count_connects && current_task_passes())
		count(ctx->args[0]);
	return 0;
}

static __always_inline int on_accept_exit(long ret)
{
	if (count_accepts && ret >= 0 && current_task_passes())
		count(ret);
	return 0;
}

SEC("tp/syscalls/sys_exit_accept")
int soprotocol_accept(struct trace_event_raw_sys_exit *ctx)
{
	return on_accept_exit(ctx->ret);
}

SEC("tp/syscalls/sys_exit_accept4")
int soprotocol_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return on_accept_exit(ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
