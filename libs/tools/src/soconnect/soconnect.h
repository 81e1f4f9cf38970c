/* Layout of soconnect's event; mirrored once on the TS side in soconnect.ts (defineStruct). Needs sockets.bpf.h. */
#ifndef BPFLEET_SOCONNECT_H
#define BPFLEET_SOCONNECT_H

struct connect_event {
	__u64 ts;         /* bpf_ktime_get_ns() (CLOCK_MONOTONIC) at connect's entry, then at its exit */
	__u64 latency_ns;
	__u32 pid;
	__s32 ret;        /* 0 or -errno */
	char comm[TASK_COMM_LEN];
	struct sock_addr daddr;
};

#endif
