// SPDX-License-Identifier: GPL-2.0
/*
 * runqlen: run-queue length, sampled by a perf cpu-clock event on every CPU (the program runs on the CPU
 * it samples), as a log-linear histogram (lengths below 32 have exact slots). As libbpf-tools runqlen,
 * the length is the queue of the task running at the sample minus that task, so 0 means idle or alone.
 *
 * The histogram maps are per-CPU and each sample lands in its own CPU's copy, so user space reads the
 * per-CPU breakdown from those copies: it costs the kernel nothing, and needs no config here.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "core_fixes.bpf.h"
#include "loglinear.bpf.h"

/*
 * false: the CFS queue the running task belongs to (its cgroup's or autogroup's cfs_rq under group
 * scheduling: other groups' tasks count once per group there, or not at all), as runqlen does by default.
 * true: every runnable task on the CPU, of every class and group (rq->nr_running), as runqlen -H. Its
 * cfs_rq->rq exists only with CONFIG_FAIR_GROUP_SCHED (every distribution kernel); the verifier prunes
 * the read when this is false, so the default loads without it.
 */
const volatile bool whole_cpu = false;

LOGLINEAR_HIST_MAP(hist);
LOGLINEAR_TOTALS_MAP(totals);

SEC("perf_event")
int runqlen_sample(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct cfs_rq *cfs_rq = BPF_CORE_READ(task, se.cfs_rq);
	__u64 len;

	if (whole_cpu)
		len = BPF_CORE_READ(cfs_rq, rq, nr_running);
	else
		len = get_cfs_nr_queued(cfs_rq);
	/* Both counts include the running task (the CFS one when it is a CFS task, as nearly always). */
	if (len > 0)
		len--;
	loglinear_map_increment(&hist, len);
	loglinear_totals_add(&totals, len);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
