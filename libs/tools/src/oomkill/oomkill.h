/* Layout of oomkill's event; mirrored once on the TS side in oomkill.ts (defineStruct). */
#ifndef BPFLEET_OOMKILL_H
#define BPFLEET_OOMKILL_H

#define TASK_COMM_LEN 16

struct event {
	__u64 ts;          /* bpf_ktime_get_ns() (CLOCK_MONOTONIC) when the victim was marked */
	__u64 pages;       /* the victim's resident pages (file + anon + shmem); 0 when victim_task is false */
	__u32 trigger_pid; /* the process running the OOM killer (current) */
	__u32 victim_pid;  /* the victim's process (tgid); the marked thread's pid when victim_task is false */
	char trigger_comm[TASK_COMM_LEN];
	char victim_comm[TASK_COMM_LEN]; /* empty when victim_task is false */
	bool victim_task;  /* the tracepoint passed the victim's task (Linux 6.9+), not only its pid */
};

#endif
