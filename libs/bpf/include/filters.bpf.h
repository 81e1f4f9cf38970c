/* Filter helpers shared by the catalog's BPF programs. */
#ifndef BPFLEET_FILTERS_BPF_H
#define BPFLEET_FILTERS_BPF_H

#ifndef TASK_COMM_LEN
#define TASK_COMM_LEN 16
#endif

/*
 * Exact comm match against a `const volatile` target (comm filters are exact, as in BCC's
 * libbpf-tools); bounded by TASK_COMM_LEN so the verifier sees the loop end.
 */
static __always_inline bool comm_equals(const char *comm, const volatile char *target)
{
	int i;

	for (i = 0; i < TASK_COMM_LEN; i++) {
		if (comm[i] != target[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

#endif /* BPFLEET_FILTERS_BPF_H */
