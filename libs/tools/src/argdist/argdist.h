/* The counts key of argdist.bpf.c; mirrored by ArgdistKey in argdist.ts. */
#ifndef BPFLEET_ARGDIST_H
#define BPFLEET_ARGDIST_H

#include "probe_args.bpf.h"

/* Distinct values counted before further ones are dropped (counted in `dropped`). */
#define ARGDIST_MAX_VALUES 10240

struct argdist_key {
	__u64 num;
	char str[PROBE_STR_LEN]; /* NUL-padded; empty for numbers */
};

#endif
