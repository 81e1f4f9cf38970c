// SPDX-License-Identifier: GPL-2.0
/*
 * cpufreq: which frequency each CPU runs at, weighted by time. As libbpf-tools cpufreq: the
 * power:cpu_frequency tracepoint (fired by the cpufreq core on every change it makes, for each CPU of the
 * policy, from whichever CPU makes it) records each CPU's current frequency; a perf cpu-clock sample on
 * every CPU counts one (cpu, MHz[, comm]) at that frequency. User space seeds each CPU's frequency from
 * sysfs scaling_cur_freq before attaching, so samples before the first change count too.
 * The raw tracepoint (no tracefs needed); its args are (unsigned int state in kHz, unsigned int cpu_id).
 * Filters apply to the task sampled, which is current.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "cpufreq.h"
#include "maps.bpf.h"
#include "task_filter.bpf.h"

#define MAX_CPUS 4096
#define MAX_ENTRIES 10240

const volatile bool per_process = false;

/* cpu → its current frequency in MHz; 0 while unknown (no sysfs seed and no event yet). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_CPUS);
	__type(key, __u32);
	__type(value, __u32);
} freq_mhz SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct cpufreq_key);
	__type(value, __u64);
} counts SEC(".maps");

/* power:cpu_frequency events seen: user space tells "no frequency information" from "none changed". */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} freq_events SEC(".maps");

/* Samples taken on a CPU whose frequency was unknown: not counted (never as a 0 MHz row). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} unknown_samples SEC(".maps");

/* Samples not counted because the counts map was full. */
BPFLEET_DROPPED_COUNTER

static __always_inline void increment(void *percpu_counter)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(percpu_counter, &zero);

	if (n)
		*n += 1;
}

SEC("raw_tp/cpu_frequency")
int BPF_PROG(cpufreq_change, unsigned int state, unsigned int cpu_id)
{
	__u32 mhz = state / 1000;

	/* A cpu_id beyond MAX_CPUS fails the update: that CPU's samples stay unknown. */
	bpf_map_update_elem(&freq_mhz, &cpu_id, &mhz, BPF_ANY);
	increment(&freq_events);
	return 0;
}

SEC("perf_event")
int cpufreq_sample(void *ctx)
{
	struct cpufreq_key key = {};
	__u32 *mhz;

	if (!current_task_passes())
		return 0;
	key.cpu = bpf_get_smp_processor_id();
	mhz = bpf_map_lookup_elem(&freq_mhz, &key.cpu);
	if (!mhz || !*mhz) {
		increment(&unknown_samples);
		return 0;
	}
	key.mhz = *mhz;
	if (per_process)
		bpf_get_current_comm(&key.comm, sizeof(key.comm));
	bump_counter(&counts, &key);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
