// SPDX-License-Identifier: GPL-2.0
/*
 * sockstat: socket syscalls counted in the kernel, by syscall and optionally by process, as bpftrace's
 * sockstat.bt. Counted at entry, so a call still blocked (an accept) when the run ends counts.
 *
 * One small program per syscall, on its own syscalls:sys_enter_<name> tracepoint, rather than one program
 * on raw_syscalls:sys_enter testing the syscall number. Both make every syscall of the host take the
 * kernel's traced path, but with per-syscall tracepoints the kernel itself skips all other syscalls (a
 * bitmap test in perf_syscall_enter): BPF runs only on socket syscalls, not on every syscall of the host.
 * Syscalls left out of a run (`syscalls`) are not loaded or attached at all.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "maps.bpf.h"
#include "sockstat.h"
#include "task_filter.bpf.h"

const volatile bool by_syscall = true;
const volatile bool by_pid = false;
const volatile bool by_comm = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct key_t);
	__type(value, __u64);
} counts SEC(".maps");

/* Calls not counted because the counts map was full. */
BPFLEET_DROPPED_COUNTER

#define SOCKSTAT_INDEX(name) SOCKSTAT_##name,
enum sockstat_syscall { SOCKSTAT_SYSCALLS(SOCKSTAT_INDEX) };

static __always_inline int count_call(__u32 syscall)
{
	struct key_t key = {};

	if (!current_task_passes())
		return 0;
	if (by_syscall)
		key.syscall = syscall;
	if (by_pid)
		key.pid = bpf_get_current_pid_tgid() >> 32;
	if (by_comm)
		bpf_get_current_comm(&key.comm, sizeof(key.comm));
	bump_counter(&counts, &key);
	return 0;
}

/* on_<name>: the program of syscall <name> (short names: the kernel keeps 15 characters of a program's). */
#define SOCKSTAT_PROGRAM(name)                              \
	SEC("tp/syscalls/sys_enter_" #name)                 \
	int on_##name(void *ctx)                            \
	{                                                   \
		return count_call(SOCKSTAT_##name);         \
	}
SOCKSTAT_SYSCALLS(SOCKSTAT_PROGRAM)

char LICENSE[] SEC("license") = "GPL";
