/*
 * Log-linear histograms for bpfleet tools (BPF side). The TypeScript twin, which decodes the slots,
 * is libs/bpf/src/histogram/loglinear.ts; the two must compute the same index for every u64
 * (a test compares them over ~10k values). See docs/histograms.md.
 *
 * Scheme (LOGLINEAR_SUB_BITS = 4, so 16 linear sub-buckets per power of two):
 *   - v < 32: the slot is v itself (exact; 0..15 by definition, 16..31 because the sub-bucket width
 *     of [16, 32) is 1);
 *   - v >= 16: with e = floor(log2(v)) (4..63), slot = (e - 3) * 16 + ((v >> (e - 4)) & 15),
 *     i.e. [2^e, 2^(e+1)) is cut into 16 equal sub-buckets of width 2^(e-4).
 * Slot i covers the half-open range [lo, hi) with, for i >= 32, e = i / 16 + 3, s = i % 16,
 * lo = 2^e + s * 2^(e-4), hi = lo + 2^(e-4); for i < 32, [i, i + 1).
 * A slot's width is at most 1/16 of its lower bound, so any value read back from a slot (and so any
 * percentile) is within 6.25% of the truth. The largest u64 lands in slot 975: LOGLINEAR_SLOTS = 976.
 *
 * Everything here is branch-light, loop-free and bounded, so the verifier accepts it anywhere.
 * The file needs only the __u64/__u32 types (vmlinux.h or linux/types.h) and __always_inline
 * (bpf/bpf_helpers.h); it can also be compiled for the host with a small shim (see the test).
 */
#ifndef BPFLEET_LOGLINEAR_BPF_H
#define BPFLEET_LOGLINEAR_BPF_H

#define LOGLINEAR_SUB_BITS 4
#define LOGLINEAR_SUB_BUCKETS (1 << LOGLINEAR_SUB_BITS)
/* (64 - LOGLINEAR_SUB_BITS + 1) groups of 16: slots 0..975. */
#define LOGLINEAR_SLOTS ((64 - LOGLINEAR_SUB_BITS + 1) * LOGLINEAR_SUB_BUCKETS)

/* One histogram: the value type of an array / hash / per-CPU map. */
struct loglinear_hist {
	__u64 slots[LOGLINEAR_SLOTS];
};

/* floor(log2(v)) for v > 0 (0 for v == 0), by binary search on the bits: six fixed steps. */
static __always_inline __u32 loglinear_log2(__u64 v)
{
	__u32 r, shift;

	r = (v > 0xFFFFFFFFULL) << 5;
	v >>= r;
	shift = (v > 0xFFFF) << 4;
	v >>= shift;
	r |= shift;
	shift = (v > 0xFF) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xF) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	r |= (__u32)(v >> 1);
	return r;
}

/* The slot of v: always < LOGLINEAR_SLOTS. */
static __always_inline __u32 loglinear_index(__u64 v)
{
	__u32 e;

	if (v < LOGLINEAR_SUB_BUCKETS)
		return (__u32)v;
	e = loglinear_log2(v);
	return ((e - LOGLINEAR_SUB_BITS + 1) << LOGLINEAR_SUB_BITS) |
	       (__u32)((v >> (e - LOGLINEAR_SUB_BITS)) & (LOGLINEAR_SUB_BUCKETS - 1));
}

/*
 * Count v in h. Atomic, so a shared (non-per-CPU) map value is safe; in a per-CPU map value the
 * atomic add costs the same as a plain one. The explicit bound check keeps the verifier's range
 * tracking happy whatever it inferred from loglinear_index.
 */
static __always_inline void loglinear_hist_add(struct loglinear_hist *h, __u64 v, __u64 n)
{
	__u32 idx = loglinear_index(v);

	if (idx >= LOGLINEAR_SLOTS)
		idx = LOGLINEAR_SLOTS - 1;
	__sync_fetch_and_add(&h->slots[idx], n);
}

static __always_inline void loglinear_hist_increment(struct loglinear_hist *h, __u64 v)
{
	loglinear_hist_add(h, v, 1);
}

/*
 * Declares a single-histogram map (one struct loglinear_hist at key 0), per-CPU to avoid cache-line
 * contention; user space sums the CPUs' copies slot by slot before decoding.
 *   LOGLINEAR_HIST_MAP(hist);   ...   loglinear_map_increment(&hist, delta_ns);
 */
#define LOGLINEAR_HIST_MAP(name)                                 \
	struct {                                                 \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);         \
		__uint(max_entries, 1);                          \
		__type(key, __u32);                              \
		__type(value, struct loglinear_hist);            \
	} name SEC(".maps")

/* Count v in the histogram at key 0 of an array (or per-CPU array) map of struct loglinear_hist. */
#define loglinear_map_increment(map, v)                                   \
	({                                                                \
		__u32 __ll_zero = 0;                                      \
		struct loglinear_hist *__ll_h =                           \
			bpf_map_lookup_elem((map), &__ll_zero);           \
		if (__ll_h)                                               \
			loglinear_hist_increment(__ll_h, (v));            \
	})

/*
 * Exact side statistics of a histogram, per CPU (user space folds the CPUs), in the raw measured unit
 * (e.g. ns) before it is divided into the histogram's unit: count, sum, min and max stay exact.
 */
struct loglinear_totals {
	__u64 count;
	__u64 sum;
	__u64 min;
	__u64 max;
};

#define LOGLINEAR_TOTALS_MAP(name)                               \
	struct {                                                 \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);         \
		__uint(max_entries, 1);                          \
		__type(key, __u32);                              \
		__type(value, struct loglinear_totals);          \
	} name SEC(".maps")

/* Adds v to the per-CPU totals at key 0 of a LOGLINEAR_TOTALS_MAP. */
#define loglinear_totals_add(map, v)                                      \
	({                                                                \
		__u32 __lt_zero = 0;                                      \
		__u64 __lt_v = (v);                                       \
		struct loglinear_totals *__lt =                           \
			bpf_map_lookup_elem((map), &__lt_zero);           \
		if (__lt) {                                               \
			if (!__lt->count || __lt_v < __lt->min)           \
				__lt->min = __lt_v;                       \
			if (__lt_v > __lt->max)                           \
				__lt->max = __lt_v;                       \
			__lt->count++;                                    \
			__lt->sum += __lt_v;                              \
		}                                                         \
	})

/* The value of a per-key breakdown map (per pid, per cpu, ...): one histogram, plus the comm for per-pid keys. */
struct loglinear_keyed {
	struct loglinear_hist hist;
	char comm[16];
};

/*
 * The breakdown value (struct loglinear_keyed) under *key of a hash map, created zeroed on first use
 * (`created` set then, e.g. to fill comm). NULL when the map is full: the caller counts that as dropped.
 * A macro like the other map helpers here, so the file still compiles for the host in its test.
 */
#define loglinear_keyed_get(map, key, created)                                              \
	({                                                                                  \
		static const struct loglinear_keyed __lk_zero;                              \
		struct loglinear_keyed *__lk = bpf_map_lookup_elem((map), (key));           \
		(created) = false;                                                          \
		if (!__lk) {                                                                \
			bpf_map_update_elem((map), (key), &__lk_zero, BPF_NOEXIST);         \
			(created) = true;                                                   \
			__lk = bpf_map_lookup_elem((map), (key));                           \
		}                                                                           \
		__lk;                                                                       \
	})

#endif /* BPFLEET_LOGLINEAR_BPF_H */
