/*
 * The endpoints of a TCP/UDP socket as the catalog's network events carry them (runtime/net.ts reads them):
 * an address is 16 bytes in network order (IPv4 in the first 4) beside the socket's family, ports are in
 * host order. Read through CO-RE from the `struct sock`, so any probe that has the socket can use it.
 */
#ifndef BPFLEET_INET_SOCK_BPF_H
#define BPFLEET_INET_SOCK_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif

/*
 * Fills the local and remote address and port of `sk` and returns its family (AF_INET, AF_INET6; the
 * addresses are left alone for any other). The local port is `inet_sport`, not `skc_num`: the kernel
 * zeroes `skc_num` when a connection that failed gives its port back (a refused connect), but keeps
 * `inet_sport`, the port its packets were sent from.
 */
static __always_inline __u16 read_inet_endpoints(struct sock *sk, __u8 *laddr, __u16 *lport, __u8 *raddr, __u16 *rport)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	*lport = bpf_ntohs(BPF_CORE_READ((struct inet_sock *)sk, inet_sport));
	*rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (family == AF_INET) {
		bpf_core_read(laddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(raddr, 4, &sk->__sk_common.skc_daddr);
	} else if (family == AF_INET6) {
		bpf_core_read(laddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(raddr, 16, &sk->__sk_common.skc_v6_daddr);
	}
	return family;
}

#endif /* BPFLEET_INET_SOCK_BPF_H */
