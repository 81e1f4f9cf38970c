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

/* Ports a port filter may list (common-filters.ts `portsFilter` maxItems). */
#define MAX_FILTER_PORTS 16

/*
 * Whether `port` is one of the first `n` of `ports`, a `const volatile` list set by the runner (n == 0:
 * no filter, every port passes).
 */
static __always_inline bool port_listed(const volatile __u16 *ports, __u32 n, __u16 port)
{
	int i;

	if (!n)
		return true;
	for (i = 0; i < MAX_FILTER_PORTS && i < n; i++) {
		if (ports[i] == port)
			return true;
	}
	return false;
}

#endif /* BPFLEET_FILTERS_BPF_H */
