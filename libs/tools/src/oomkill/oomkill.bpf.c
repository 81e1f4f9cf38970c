// SPDX-License-Identifier: GPL-2.0
/*
 * oomkill: one event per task the OOM killer marks as its victim, with the task that ran the OOM killer
 * (the trigger). Attached to the oom:mark_victim raw tracepoint (mm/oom_kill.c, mark_oom_victim()), which
 * fires once per victim (TIF_MEMDIE guards repeats) in the context of the task that called out_of_memory():
 * the task whose allocation or memcg charge failed, or whose write lowered memory.max; a kworker for sysrq-f.
 * It covers kills (__oom_kill_process), a chosen victim already exiting, the trigger itself when it is
 * already exiting, and every member of a memory.oom.group cgroup. libbpf-tools' oomkill uses a kprobe on
 * oom_kill_process; this kernel has no kprobes, and the tracepoint is the stable interface.
 *
 * Filters are the victim's (the process killed): checked on its task. Before Linux 6.9 the tracepoint passes
 * only the victim's pid (core_fixes.bpf.h): then only a pid filter can be checked, and a run with a uid, comm
 * or cgroup filter reports nothing rather than victims it cannot tell apart. Events past the per-run bound
 * (max_events_per_sec) are counted as dropped.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "core_fixes.bpf.h"
#include "maps.bpf.h"
#include "task_filter.bpf.h"
#include "oomkill.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

BPFLEET_DROPPED_COUNTER
BPFLEET_EVENT_RATE_LIMIT

/* Filters on a victim known only by its pid: any filter besides the pid cannot be told. */
static __always_inline bool victim_pid_passes(__u32 pid)
{
	if (targ_tid || targ_uid != INVALID_UID || filter_cg || filter_comm)
		return false;
	return !targ_pid || targ_pid == pid;
}

/* raw_tp mark_victim(struct task_struct *task, uid_t uid), or mark_victim(int pid) before 6.9. */
SEC("raw_tp/mark_victim")
int oomkill_mark_victim(__u64 *ctx)
{
	struct task_struct *victim = mark_victim_task(ctx);
	struct event *e;
	__u32 victim_pid;

	if (victim) {
		if (!task_passes(victim))
			return 0;
		victim_pid = BPF_CORE_READ(victim, tgid);
	} else {
		victim_pid = (__u32)ctx[0];
		if (!victim_pid_passes(victim_pid))
			return 0;
	}
	if (!rate_limit_allows())
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_dropped();
		return 0;
	}
	e->ts = bpf_ktime_get_ns();
	e->trigger_pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(&e->trigger_comm, sizeof(e->trigger_comm));
	e->victim_pid = victim_pid;
	e->victim_task = victim != 0;
	if (victim) {
		BPF_CORE_READ_STR_INTO(&e->victim_comm, victim, comm);
		e->pages = get_mm_rss_pages(BPF_CORE_READ(victim, mm));
	} else {
		e->victim_comm[0] = '\0';
		e->pages = 0;
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
