// SPDX-License-Identifier: GPL-2.0
/*
 * tcpconnect: one event (or one count) per active TCP open made by connect(2), with the process that made
 * it. There are no kprobes here for BCC's tcp_v4_connect/tcp_v6_connect, so an open is the socket's
 * CLOSE -> SYN_SENT state change (sock:inet_sock_set_state), which the kernel makes in the connecting
 * task. At that moment the local port is not chosen yet (tcp_v4_connect sets SYN_SENT, then hashes the
 * socket to a port), so the socket is remembered per thread and the event is sent when connect(2)
 * returns, port known. The syscall tracepoints also say which state changes belong to a connect(2):
 * only a thread that entered connect(2) and passed the task filters is looked at. Threads still inside
 * connect(2) when the run ends (a blocking connect waiting for its handshake) are left in `attempts`,
 * which user space reports with what was known at SYN_SENT.
 *
 * The state change is a raw tracepoint read through CO-RE: it loads against a minimized BTF, without
 * parsing the kernel's BTF as tp_btf would, and needs no tracefs (the syscall tracepoints do).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "inet_sock.bpf.h"
#include "maps.bpf.h"
#include "task_filter.bpf.h"
#include "tcpconnect.h"

#define MAX_ENTRIES 10240

const volatile bool count_only = false;
const volatile __u32 targ_dports_count = 0;
const volatile __u16 targ_dports[MAX_FILTER_PORTS] = {};

/* tid -> its connect(2) in progress. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u32);
	__type(value, struct attempt);
} attempts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct count_key);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

BPFLEET_DROPPED_COUNTER
BPFLEET_EVENT_RATE_LIMIT

static __always_inline void read_endpoints(struct sock *sk, struct event *e)
{
	e->family = read_inet_endpoints(sk, e->saddr, &e->sport, e->daddr, &e->dport);
}

SEC("tp/syscalls/sys_enter_connect")
int tcpconnect_enter(struct trace_event_raw_sys_enter *ctx)
{
	static const struct attempt none;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (current_task_passes())
		bpf_map_update_elem(&attempts, &tid, &none, BPF_ANY);
	return 0;
}

SEC("raw_tp/inet_sock_set_state")
int BPF_PROG(tcpconnect_syn_sent, struct sock *sk, int oldstate, int newstate)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct attempt *a;

	if (oldstate != TCP_CLOSE || newstate != TCP_SYN_SENT)
		return 0;
	a = bpf_map_lookup_elem(&attempts, &tid);
	/*
	 * MPTCP's own socket changes state too; its TCP subflow is the connection. sk_protocol was a bitfield
	 * before Linux 5.6: the probed bitfield read takes either.
	 */
	if (!a || BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	read_endpoints(sk, &a->event);
	if (!port_listed(targ_dports, targ_dports_count, a->event.dport)) {
		bpf_map_delete_elem(&attempts, &tid);
		return 0;
	}
	a->sk = (__u64)sk;
	a->event.ts = bpf_ktime_get_ns();
	a->event.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(&a->event.comm, sizeof(a->event.comm));
	return 0;
}

static __always_inline void count(const struct event *e)
{
	struct count_key key = { .family = e->family, .dport = e->dport };

	__builtin_memcpy(key.daddr, e->daddr, sizeof(key.daddr));
	bump_counter(&counts, &key);
}

SEC("tp/syscalls/sys_exit_connect")
int tcpconnect_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct attempt *a;

	a = bpf_map_lookup_elem(&attempts, &tid);
	if (!a)
		return 0;
	if (!a->sk)
		goto done;
	/* Now with the local port, and the local address of a dual-stack socket connecting to IPv4. */
	read_endpoints((struct sock *)a->sk, &a->event);
	/* No port, or the destination given back: tcp_v4_connect failed before sending the SYN. */
	if (!a->event.sport || !a->event.dport)
		goto done;
	if (count_only)
		count(&a->event);
	else if (rate_limit_allows() && bpf_ringbuf_output(&events, &a->event, sizeof(a->event), 0))
		count_dropped();
done:
	bpf_map_delete_elem(&attempts, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
