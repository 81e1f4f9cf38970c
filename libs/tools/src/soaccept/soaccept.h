/* Layout of soaccept's event; mirrored once on the TS side in soaccept.ts (defineStruct). Needs sockets.bpf.h. */
#ifndef BPFLEET_SOACCEPT_H
#define BPFLEET_SOACCEPT_H

struct accept_event {
	__u64 ts;       /* bpf_ktime_get_ns() (CLOCK_MONOTONIC) at accept's exit */
	__u32 pid;
	__s32 ret;      /* the new descriptor, or -errno */
	char comm[TASK_COMM_LEN];
	__u16 lport;    /* the listening socket's port, host order; 0 for families without ports */
	struct sock_addr raddr; /* the peer; when accept failed, only the listening socket's family */
};

#endif
