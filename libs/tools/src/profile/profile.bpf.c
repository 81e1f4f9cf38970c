// SPDX-License-Identifier: GPL-2.0
/*
 * profile: a CPU profiler. Samples every online CPU at F Hz with the software cpu-clock perf event (the
 * VMs have no PMU; cpu-clock is an hrtimer, so a task gets F samples per second of CPU it uses), and counts
 * the kernel and user stacks of the task on the CPU in the kernel (stacks.bpf.h), as BCC and libbpf-tools
 * profile do: user space reads each distinct stack once at the end, not one event per sample.
 *
 * Samples of the idle task (pid 0) are left out, as BCC profile does unless -I: they say a CPU was idle,
 * not where time went. Keyed by process, not thread (like BCC), with the sampled thread's comm.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "stacks.bpf.h"
#include "task_filter.bpf.h"

SEC("perf_event")
int profile_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct stack_key key = {};

	if (!(__u32)id || !current_task_passes())
		return 0;
	key.pid = id >> 32;
	bpf_get_current_comm(&key.comm, sizeof(key.comm));
	stacks_get_ids(ctx, &key);
	stacks_count(&key, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
