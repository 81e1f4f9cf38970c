/* Layout of exitsnoop's event; mirrored once on the TS side in exitsnoop.ts (defineStruct). */
#ifndef BPFLEET_EXITSNOOP_H
#define BPFLEET_EXITSNOOP_H

#define TASK_COMM_LEN 16

struct event {
	__u64 ts;          /* bpf_ktime_get_ns() (CLOCK_MONOTONIC) at the exit */
	__u64 lifetime_ns; /* since the task's start_time (same clock) */
	__u32 pid;
	__u32 tid;
	__u32 ppid;
	__s32 status;      /* as wait(2) reports it: exit code << 8 | 0x80 if core dumped | signal */
	char comm[TASK_COMM_LEN];
};

#endif
