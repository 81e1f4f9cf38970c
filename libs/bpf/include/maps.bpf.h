/* Shared BPF-side helpers for bpfleet tools (libbpf-tools style). */
#ifndef BPFLEET_MAPS_BPF_H
#define BPFLEET_MAPS_BPF_H

#include <bpf/bpf_helpers.h>

/* Look a key up, inserting `init` first if absent (BPF_NOEXIST keeps a racing insert). */
static __always_inline void *bpf_map_lookup_or_try_init(void *map, const void *key, const void *init)
{
	void *val = bpf_map_lookup_elem(map, key);
	long err;

	if (val)
		return val;
	err = bpf_map_update_elem(map, key, init, BPF_NOEXIST);
	if (err && err != -17 /* EEXIST */)
		return 0;
	return bpf_map_lookup_elem(map, key);
}

/*
 * Per-CPU counter of events the BPF side could not hand to user space (ring buffer full).
 * The runtime sums it across CPUs and reports it as lostEvents.
 */
#define BPFLEET_DROPPED_COUNTER                                  \
	struct {                                                 \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);         \
		__uint(max_entries, 1);                          \
		__type(key, __u32);                              \
		__type(value, __u64);                            \
	} dropped SEC(".maps");                                  \
	static __always_inline void count_dropped(void)          \
	{                                                        \
		__u32 zero = 0;                                  \
		__u64 *n = bpf_map_lookup_elem(&dropped, &zero); \
		if (n)                                           \
			*n += 1;                                 \
	}

#endif
