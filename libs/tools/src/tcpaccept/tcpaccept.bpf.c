// SPDX-License-Identifier: GPL-2.0
/*
 * tcpaccept: one event per TCP connection accepted with accept(2) / accept4(2), with the process that
 * accepted it. BCC hooks the return of inet_csk_accept with a kretprobe; this kernel has no kprobes, so
 * the event is the syscall's exit (tracepoints syscalls:sys_exit_accept and sys_exit_accept4), in the
 * accepting task: the returned fd leads to the new socket through CO-RE reads (sockets.bpf.h sock_of_fd:
 * current->files->fdt->fd[fd]->private_data, a struct socket, ->sk). The passive open's own state
 * changes (SYN_RECV -> ESTABLISHED) would not do: the kernel makes them in softirq context, in whichever
 * task the packet interrupted, before (and whether or not) any process accepts the connection.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "inet_sock.bpf.h"
#include "maps.bpf.h"
#include "sockets.bpf.h"
#include "task_filter.bpf.h"
#include "tcpaccept.h"

const volatile __u32 targ_lports_count = 0;
const volatile __u16 targ_lports[MAX_FILTER_PORTS] = {};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

BPFLEET_DROPPED_COUNTER
BPFLEET_EVENT_RATE_LIMIT

static __always_inline int on_accept_exit(long ret)
{
	struct event e = {};
	struct sock *sk;
	__u16 protocol;

	if (ret < 0 || !current_task_passes())
		return 0;
	sk = sock_of_fd(ret);
	if (!sk)
		return 0;
	/* An MPTCP connection is accepted as its own socket, over TCP. sk_protocol was a bitfield before 5.6. */
	protocol = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
	if (protocol != IPPROTO_TCP && protocol != IPPROTO_MPTCP)
		return 0;
	e.family = read_inet_endpoints(sk, e.laddr, &e.lport, e.raddr, &e.rport);
	if (e.family != AF_INET && e.family != AF_INET6)
		return 0;
	if (!port_listed(targ_lports, targ_lports_count, e.lport) || !rate_limit_allows())
		return 0;
	e.ts = bpf_ktime_get_ns();
	e.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(&e.comm, sizeof(e.comm));
	if (bpf_ringbuf_output(&events, &e, sizeof(e), 0))
		count_dropped();
	return 0;
}

SEC("tp/syscalls/sys_exit_accept4")
int tcpaccept_exit_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return on_accept_exit(ctx->ret);
}

SEC("tp/syscalls/sys_exit_accept")
int tcpaccept_exit_accept(struct trace_event_raw_sys_exit *ctx)
{
	return on_accept_exit(ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
