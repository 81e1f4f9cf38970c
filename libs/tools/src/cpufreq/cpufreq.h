/* Shared layout of cpufreq's counts map; mirrored once on the TS side in cpufreq.ts (defineStruct). */
#ifndef BPFLEET_CPUFREQ_H
#define BPFLEET_CPUFREQ_H

#define TASK_COMM_LEN 16

/* comm stays zero unless the run is per process. */
struct cpufreq_key {
	__u32 cpu;
	__u32 mhz;
	char comm[TASK_COMM_LEN];
};

#endif
