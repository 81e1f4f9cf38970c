// SPDX-License-Identifier: GPL-2.0
/*
 * Loaded (never attached) by the capability probe: a kernel that loads a tp_btf program can attach
 * BTF tracepoints. Loading costs about a millisecond and touches nothing on the host.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("tp_btf/sched_switch")
int BPF_PROG(capability_probe_tp_btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
