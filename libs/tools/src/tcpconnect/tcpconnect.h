/* Layouts shared by tcpconnect.bpf.c and tcpconnect.ts (defineStruct mirrors them once). */
#ifndef BPFLEET_TCPCONNECT_H
#define BPFLEET_TCPCONNECT_H

#define TASK_COMM_LEN 16

/* One active open. Addresses in network order (IPv4 in the first 4 bytes), ports in host order. */
struct event {
	__u64 ts;     /* bpf_ktime_get_ns() when the socket entered SYN_SENT */
	__u32 pid;
	__u16 family; /* the socket's: AF_INET6 for a dual-stack socket connecting to IPv4 */
	__u16 sport;  /* 0 for a connect still waiting for its handshake when the run ended */
	__u16 dport;
	__u8 saddr[16];
	__u8 daddr[16];
	char comm[TASK_COMM_LEN];
};

/* A thread inside connect(2): zero until its socket enters SYN_SENT, then the socket and what is known. */
struct attempt {
	__u64 sk;
	struct event event;
};

/* countOnly: connects counted by destination. */
struct count_key {
	__u8 daddr[16];
	__u16 family;
	__u16 dport;
};

#endif
