// SPDX-License-Identifier: GPL-2.0
/*
 * runqlat: run-queue (scheduler) latency, the time a task waits runnable before it runs, as a
 * log-linear histogram built in the kernel. Same events as libbpf-tools runqlat: a task becomes
 * runnable at sched_wakeup / sched_wakeup_new, or when it is preempted while still TASK_RUNNING
 * (sched_switch, prev); it stops waiting when it is switched in (sched_switch, next).
 * Raw tracepoints (raw_tp), not BTF tracepoints (tp_btf): a tp_btf program needs the vmlinux BTF id of its
 * target, so libbpf 1.1 reads and parses the whole 5.5 MB vmlinux BTF on every load (~14 ms); a raw_tp
 * program with CO-RE relocated against a minimized BTF (BpfObject.open's minimizedBtf) loads in ~2 ms.
 * The price is reading task fields with BPF_CORE_READ (bpf_probe_read_kernel) instead of direct loads:
 * ~40-70 ns more per event (docs/PERFORMANCE.md). No tracefs needed either way.
 *
 * Filters apply to the task that waits (not to whichever task is current when it is woken, which is
 * what libbpf-tools' cgroup filter looks at), and are checked at enqueue time, so the start map only
 * ever holds tasks of interest.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "maps.bpf.h"
/* Latencies not broken down because the keyed map was full (they still count in the total). */
BPFLEET_DROPPED_COUNTER
#include "runq.bpf.h"
#include "time_hist.bpf.h"

const volatile bool per_pid = false;
const volatile bool per_cpu = false;

RUNQ_WAKEUP_PROGRAMS(runqlat)

SEC("raw_tp/sched_switch")
int BPF_PROG(runqlat_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u64 wait_ns;

	if (runq_switch(prev, next, bpf_ktime_get_ns(), &wait_ns))
		time_hist_record(wait_ns, per_pid || per_cpu, per_pid ? BPF_CORE_READ(next, tgid) : bpf_get_smp_processor_id(), per_pid, next);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
