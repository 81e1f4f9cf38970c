/* Shared layouts of syscount's aggregation map; mirrored once on the TS side in syscount.ts (defineStruct). */
#ifndef BPFLEET_SYSCOUNT_H
#define BPFLEET_SYSCOUNT_H

#define TASK_COMM_LEN 16

/* Each field stays zero unless the run is keyed by it (by_syscall, by_pid, by_comm). */
struct key_t {
	__u32 nr;
	__u32 pid;
	char comm[TASK_COMM_LEN];
};

struct value_t {
	__u64 count;
	__u64 total_ns;
};

#endif
