// SPDX-License-Identifier: GPL-2.0
/*
 * Test producer for libs/bpf's RingBuffer: on getppid(size, MAGIC) from targ_pid, emits one record of
 * `size` bytes (size & DISCARD_FLAG: reserves a 64-byte record and discards it instead). A record is
 * {u32 seq; u32 size; u8 bytes[size - 8]} with bytes[i] = (seq + i) & 0xff, so a consumer can check every
 * byte, including those of records that wrap past the end of the ring.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#define NR_getppid 110
#define MAGIC 0x72696e67627566ULL /* "ringbuf" */
#define DISCARD_FLAG 0x10000
#define MAX_REC 2048

const volatile __u32 targ_pid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096); /* one page: the smallest ring, so a few records wrap it */
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[MAX_REC]);
} scratch SEC(".maps");

/* 0: next seq, 1: records the ring refused (full) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} state SEC(".maps");

SEC("raw_tp/sys_enter")
int BPF_PROG(ringbuf_emit, struct pt_regs *regs, long id)
{
	__u32 zero = 0, one = 1, i;
	__u64 size, magic, *seq, *full;
	__u8 *buf;

	if (id != NR_getppid || (bpf_get_current_pid_tgid() >> 32) != targ_pid)
		return 0;
	magic = BPF_CORE_READ(regs, si);
	if (magic != MAGIC)
		return 0;
	size = BPF_CORE_READ(regs, di);
	seq = bpf_map_lookup_elem(&state, &zero);
	full = bpf_map_lookup_elem(&state, &one);
	buf = bpf_map_lookup_elem(&scratch, &zero);
	if (!seq || !full || !buf)
		return 0;
	if (size & DISCARD_FLAG) {
		__u32 *r = bpf_ringbuf_reserve(&rb, 64, 0);

		if (!r) {
			(*full)++;
			return 0;
		}
		r[0] = 0xdead;
		bpf_ringbuf_discard(r, 0);
		return 0;
	}
	if (size < 8 || size > MAX_REC)
		return 0;
	*(__u32 *)buf = (__u32)*seq;
	*(__u32 *)(buf + 4) = (__u32)size;
	for (i = 8; i < MAX_REC; i++) {
		if (i >= size)
			break;
		buf[i] = (__u8)(*seq + i);
	}
	if (bpf_ringbuf_output(&rb, buf, size, 0))
		(*full)++;
	else
		(*seq)++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
