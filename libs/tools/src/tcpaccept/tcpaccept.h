/* Layout of tcpaccept's event; mirrored once on the TS side in tcpaccept.ts (defineStruct). */
#ifndef BPFLEET_TCPACCEPT_H
#define BPFLEET_TCPACCEPT_H

#define TASK_COMM_LEN 16

/* One accepted connection. Addresses in network order (IPv4 in the first 4 bytes), ports in host order. */
struct event {
	__u64 ts;     /* bpf_ktime_get_ns() when accept returned */
	__u32 pid;    /* the process that accepted it */
	__u16 family; /* the socket's: AF_INET6 for an IPv4 peer of a dual-stack listener */
	__u16 lport;
	__u16 rport;
	__u8 laddr[16];
	__u8 raddr[16];
	char comm[TASK_COMM_LEN];
};

#endif
