/* Layout of runqslower's event; mirrored once on the TS side in runqslower.ts (defineStruct). */
#ifndef BPFLEET_RUNQSLOWER_H
#define BPFLEET_RUNQSLOWER_H

#define TASK_COMM_LEN 16

struct event {
	__u64 ts;         /* bpf_ktime_get_ns() (CLOCK_MONOTONIC) when the task was switched in */
	__u64 latency_us; /* how long it waited runnable */
	__u32 pid;        /* the task that waited */
	__u32 tid;
	__u32 prev_pid;   /* the task switched out for it */
	__u32 cpu;
	char comm[TASK_COMM_LEN];
	char prev_comm[TASK_COMM_LEN];
};

#endif
