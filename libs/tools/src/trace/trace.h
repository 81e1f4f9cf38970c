/* The record trace.bpf.c sends per hit; mirrored by TraceEvent in trace.ts. */
#ifndef BPFLEET_TRACE_H
#define BPFLEET_TRACE_H

#include "probe_args.bpf.h"

/* Probes one trace run may attach (trace.schema.ts TRACE_MAX_PROBES). */
#define TRACE_MAX_PROBES 32

struct trace_hit_event {
	__u64 ts;
	__u64 retval;
	__u64 nums[PROBE_ARGS_MAX]; /* numbers as 64 bits; for string args unused */
	__u32 pid;
	__u32 tid;
	__u32 probe; /* the probe's index in params.probes */
	char comm[16];
	char strs[PROBE_ARGS_MAX][PROBE_STR_LEN]; /* only the string args' slots are filled */
};

#endif
