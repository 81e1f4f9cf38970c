/* Shared layouts of runqlat's maps; mirrored once on the TS side in runqlat.ts (defineStruct). */
#ifndef BPFLEET_RUNQLAT_H
#define BPFLEET_RUNQLAT_H

#define TASK_COMM_LEN 16

/* Exact side statistics of the total histogram, per CPU (user space folds the CPUs). Nanoseconds. */
struct runqlat_totals {
	__u64 count;
	__u64 sum_ns;
	__u64 min_ns;
	__u64 max_ns;
};

/* Value of the per-pid / per-cpu histogram map: the slots in the run's unit, plus the task's comm (per pid). */
struct runqlat_keyed {
	struct loglinear_hist hist;
	char comm[TASK_COMM_LEN];
};

#endif
