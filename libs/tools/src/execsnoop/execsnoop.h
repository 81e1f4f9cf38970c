/* Shared layout of execsnoop's event; mirrored once on the TS side in execsnoop.ts (defineStruct). */
#ifndef BPFLEET_EXECSNOOP_H
#define BPFLEET_EXECSNOOP_H

#define TASK_COMM_LEN 16
#define FILENAME_LEN 256
#define ARGSIZE 128
#define TOTAL_MAX_ARGS 60
#define FULL_MAX_ARGS_ARR (TOTAL_MAX_ARGS * ARGSIZE)
#define NAME_MAX_LEN 32

struct event {
	__u64 ts;          /* bpf_ktime_get_ns() (CLOCK_MONOTONIC) at exec exit */
	__u32 pid;
	__u32 ppid;
	__u32 uid;
	__s32 retval;
	__s32 args_count;
	__u32 args_size;   /* bytes used in args: NUL-separated argv strings */
	char comm[TASK_COMM_LEN];
	char filename[FILENAME_LEN];
	char args[FULL_MAX_ARGS_ARR];
};

/* A record is the fixed part plus args_size bytes of args (args is last). */
#define EVENT_BASE_SIZE __builtin_offsetof(struct event, args)

#endif
