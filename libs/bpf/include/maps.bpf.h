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
	}                                                        \
	/* +1 on the u64 counter under key, created on first use; \
	 * a full map counts as dropped instead. */              \
	static __always_inline __attribute__((unused)) void bump_counter(void *map, const void *key) \
	{                                                        \
		static const __u64 zero;                         \
		__u64 *n = bpf_map_lookup_or_try_init(map, key, &zero); \
		if (n)                                           \
			__sync_fetch_and_add(n, 1);              \
		else                                             \
			count_dropped();                         \
	}

/*
 * Per-run bound on events handed to user space per second (DESIGN.md: snoops stream events with a bound).
 * One global window of one second: the first event of a new window resets it; events beyond
 * `max_events_per_sec` inside a window are not emitted and are counted by count_dropped(), so the bound
 * shows in the run's lostEvents / dropped. 0 means unbounded. Two CPUs opening a window at once may let a
 * few extra events through; the bound is a flood guard, not an exact quota. Needs BPFLEET_DROPPED_COUNTER.
 * `exceeded` counts the events over the bound alone (`dropped` also counts a full ring buffer): user space
 * polls it to stop the run once the bound was hit (runtime/budget.ts); the kernel keeps the host safe
 * between two polls.
 */
#define BPFLEET_EVENT_RATE_LIMIT                                              \
	const volatile __u64 max_events_per_sec = 0;                          \
	struct bpfleet_rate_window {                                          \
		__u64 start_ns;                                               \
		__u64 count;                                                  \
		__u64 exceeded;                                               \
	};                                                                    \
	struct {                                                              \
		__uint(type, BPF_MAP_TYPE_ARRAY);                             \
		__uint(max_entries, 1);                                       \
		__type(key, __u32);                                           \
		__type(value, struct bpfleet_rate_window);                    \
	} rate_window SEC(".maps");                                           \
	/* true: emit the event; false: over the bound (already counted as dropped). */ \
	static __always_inline bool rate_limit_allows(void)                   \
	{                                                                     \
		struct bpfleet_rate_window *w;                                \
		__u32 zero = 0;                                               \
		__u64 now;                                                    \
                                                                              \
		if (!max_events_per_sec)                                      \
			return true;                                          \
		w = bpf_map_lookup_elem(&rate_window, &zero);                 \
		if (!w)                                                       \
			return true;                                          \
		now = bpf_ktime_get_ns();                                     \
		if (now - w->start_ns >= 1000000000ULL) {                     \
			w->start_ns = now;                                    \
			w->count = 0;                                         \
		}                                                             \
		__sync_fetch_and_add(&w->count, 1);                           \
		if (w->count <= max_events_per_sec)                           \
			return true;                                          \
		__sync_fetch_and_add(&w->exceeded, 1);                        \
		count_dropped();                                              \
		return false;                                                 \
	}

#endif
