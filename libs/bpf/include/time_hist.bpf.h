/*
 * A histogram of durations in a chosen unit with exact side totals and an optional per-key breakdown,
 * shared by runqlat and cpudist (libs/tools/src/runtime/histogram.ts reads it: readHistogram with
 * hist/totals, readKeyedHistograms with keyed). Needs BPFLEET_DROPPED_COUNTER (maps.bpf.h) declared first:
 * a duration left out of a full breakdown still counts in the total, and in dropped.
 */
#ifndef BPFLEET_TIME_HIST_BPF_H
#define BPFLEET_TIME_HIST_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include "loglinear.bpf.h"

#define TIME_HIST_MAX_KEYS 1024

/* Divisor from ns to the unit of the histogram slots: 1000 (µs) or 1000000 (ms). */
const volatile __u64 unit_ns = 1000;

LOGLINEAR_HIST_MAP(hist);
LOGLINEAR_TOTALS_MAP(totals); /* nanoseconds */

/* key (a tgid, a cpu) → histogram; allocated on first use (a preallocated map would cost ~8 MB). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TIME_HIST_MAX_KEYS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct loglinear_keyed);
} keyed SEC(".maps");

/*
 * Counts one duration in the histogram and the totals and, when `by_key`, under `key` in the breakdown,
 * whose value gets the comm of `t`'s process the first time the key is seen when `with_comm`.
 */
static __always_inline void time_hist_record(__u64 delta_ns, bool by_key, __u32 key, bool with_comm, struct task_struct *t)
{
	struct loglinear_keyed *k;
	__u64 v = delta_ns / unit_ns;
	bool created;

	loglinear_map_increment(&hist, v);
	loglinear_totals_add(&totals, delta_ns);
	if (!by_key)
		return;
	k = loglinear_keyed_get(&keyed, &key, created);
	if (!k) {
		count_dropped();
		return;
	}
	if (created && with_comm)
		BPF_CORE_READ_STR_INTO(&k->comm, t, group_leader, comm);
	loglinear_hist_increment(&k->hist, v);
}

#endif /* BPFLEET_TIME_HIST_BPF_H */
