/*
 * Arguments and filters of the generic probe tools (trace, argdist): what to read at a probe and what to
 * compare it with is configuration (a struct probe_arg_config per probe, written by user space into a map
 * keyed by the probe's index, the attach cookie), never program text. The TS twin that builds the
 * configuration from the caller's params is libs/tools/src/probes/args-config.ts (params: probes/args.ts).
 *
 * Each program passes its context kind as a constant, so the compiler keeps only the reads that context
 * can make: registers (uprobe, uretprobe, kprobe), USDT argument slots (bpf_usdt_arg), tracepoint fields
 * (at the offsets and sizes user space read from tracefs `format`). Strings are read into fixed slots of
 * PROBE_STR_LEN bytes (63 bytes and the NUL): longer strings are cut there, and a string filter compares
 * that bounded prefix.
 *
 * Include after vmlinux.h, bpf_helpers.h, bpf_tracing.h, bpf_core_read.h and usdt.bpf.h.
 */
#ifndef BPFLEET_PROBE_ARGS_BPF_H
#define BPFLEET_PROBE_ARGS_BPF_H

#define PROBE_ARGS_MAX 6
#define PROBE_STR_LEN 64

/* Where a value comes from (struct probe_arg_spec.source). */
#define PROBE_ARG_NONE 0   /* slot unused / no filter */
#define PROBE_ARG_SLOT 1   /* argument slot `slot`: a calling-convention register, or a USDT argument */
#define PROBE_ARG_RETVAL 2 /* the return value (uretprobe, kretprobe) */
#define PROBE_ARG_FIELD 3  /* a tracepoint field at `offset`, `size` bytes */

/* What is read (struct probe_arg_spec.kind). */
#define PROBE_KIND_NUM 0
#define PROBE_KIND_STR 1

/* struct probe_arg_spec.flags */
#define PROBE_SIGNED 1   /* a number narrower than 64 bits is sign-extended; comparisons are signed */
#define PROBE_USER 2     /* a string pointer points into user memory (else kernel memory) */
#define PROBE_INLINE 4   /* a tracepoint field that is itself a char array */
#define PROBE_DATA_LOC 8 /* a tracepoint __data_loc field: offset (low 16 bits) and length of the string in the record */

/* Filter operators (struct probe_arg_filter.op); strings know only EQ and NE. */
#define PROBE_OP_EQ 0
#define PROBE_OP_NE 1
#define PROBE_OP_LT 2
#define PROBE_OP_LE 3
#define PROBE_OP_GT 4
#define PROBE_OP_GE 5

/* The probe's context, a constant per program. */
#define PROBE_CTX_REGS 0
#define PROBE_CTX_USDT 1
#define PROBE_CTX_TRACEPOINT 2

struct probe_arg_spec {
	__u8 source;
	__u8 kind;
	__u8 flags;
	__u8 slot;
	__u16 offset;
	__u16 size;
};

struct probe_arg_filter {
	struct probe_arg_spec arg; /* source PROBE_ARG_NONE: every hit passes */
	__u8 op;
	__u8 pad[7];
	__u64 num;
	char str[PROBE_STR_LEN]; /* NUL-padded */
};

struct probe_arg_config {
	struct probe_arg_spec args[PROBE_ARGS_MAX];
	struct probe_arg_spec ret;
	struct probe_arg_filter filter;
};

/* The per-probe configuration, by probe index (cookie); filled by user space after load, before attach. */
#define PROBE_CONFIG_MAP(name, max_probes)                      \
	struct {                                                \
		__uint(type, BPF_MAP_TYPE_ARRAY);               \
		__uint(max_entries, max_probes);                \
		__type(key, __u32);                             \
		__type(value, struct probe_arg_config);             \
	} name SEC(".maps")

/* libbpf 1.1's bpf_tracing.h stops at PARM5. */
#if defined(bpf_target_x86)
#define PROBE_PT_PARM6_REG r9
#elif defined(bpf_target_arm64)
#define PROBE_PT_PARM6_REG regs[5]
#endif

static __always_inline __u64 probe_regs_parm(void *ctx, __u8 slot)
{
	struct pt_regs *regs = ctx;

	switch (slot) {
	case 0:
		return PT_REGS_PARM1_CORE(regs);
	case 1:
		return PT_REGS_PARM2_CORE(regs);
	case 2:
		return PT_REGS_PARM3_CORE(regs);
	case 3:
		return PT_REGS_PARM4_CORE(regs);
	case 4:
		return PT_REGS_PARM5_CORE(regs);
#ifdef PROBE_PT_PARM6_REG
	case 5:
		return BPF_CORE_READ(__PT_REGS_CAST(regs), PROBE_PT_PARM6_REG);
#endif
	default:
		return 0;
	}
}

/* The address of a tracepoint field: user space took `offset` from the event's format. */
static __always_inline const void *probe_field_addr(void *ctx, __u16 offset)
{
	return (const char *)ctx + offset;
}

/* A number as 64 bits (sign-extended when PROBE_SIGNED), or a string's address. 0 when not readable here. */
static __always_inline __u64 probe_arg_number(void *ctx, int ctx_kind, const struct probe_arg_spec *a)
{
	__u64 v = 0;
	__u32 size, shift;

	switch (a->source) {
	case PROBE_ARG_SLOT:
		if (ctx_kind == PROBE_CTX_REGS)
			return probe_regs_parm(ctx, a->slot);
		if (ctx_kind == PROBE_CTX_USDT) {
			long x = 0;

			/* libbpf's spec for the slot sign-extends it as the probe declared. */
			bpf_usdt_arg(ctx, a->slot, &x);
			return x;
		}
		return 0;
	case PROBE_ARG_RETVAL:
		if (ctx_kind == PROBE_CTX_REGS)
			return PT_REGS_RC_CORE((struct pt_regs *)ctx);
		return 0;
	case PROBE_ARG_FIELD:
		if (ctx_kind != PROBE_CTX_TRACEPOINT)
			return 0;
		size = a->size;
		if (size > sizeof(v))
			size = sizeof(v);
		bpf_probe_read_kernel(&v, size, probe_field_addr(ctx, a->offset));
		if ((a->flags & PROBE_SIGNED) && size && size < sizeof(v)) {
			shift = 64 - size * 8;
			v = (__u64)((__s64)(v << shift) >> shift);
		}
		return v;
	default:
		return 0;
	}
}

/* A string into dst (PROBE_STR_LEN bytes, NUL-terminated; zeroed when unreadable). */
static __always_inline void probe_arg_string(void *ctx, int ctx_kind, const struct probe_arg_spec *a, char *dst)
{
	const void *src;
	__u32 size, loc = 0;

	if (ctx_kind == PROBE_CTX_TRACEPOINT && a->source == PROBE_ARG_FIELD && (a->flags & (PROBE_INLINE | PROBE_DATA_LOC))) {
		if (a->flags & PROBE_DATA_LOC) {
			bpf_probe_read_kernel(&loc, sizeof(loc), probe_field_addr(ctx, a->offset));
			src = probe_field_addr(ctx, loc & 0xffff);
			size = PROBE_STR_LEN;
		} else {
			src = probe_field_addr(ctx, a->offset);
			size = a->size;
			if (!size || size > PROBE_STR_LEN)
				size = PROBE_STR_LEN;
		}
		bpf_probe_read_kernel_str(dst, size, src);
		return;
	}
	src = (const void *)probe_arg_number(ctx, ctx_kind, a);
	if (a->flags & PROBE_USER)
		bpf_probe_read_user_str(dst, PROBE_STR_LEN, src);
	else
		bpf_probe_read_kernel_str(dst, PROBE_STR_LEN, src);
}

/* Equality of two NUL-terminated strings within PROBE_STR_LEN bytes (a bounded loop the verifier accepts). */
static __always_inline bool probe_str_equal(const char *a, const char *b)
{
	int i;

	for (i = 0; i < PROBE_STR_LEN; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

static __always_inline bool probe_compare(__u8 op, bool is_signed, __u64 v, __u64 x)
{
	bool lt = is_signed ? (__s64)v < (__s64)x : v < x;

	switch (op) {
	case PROBE_OP_EQ:
		return v == x;
	case PROBE_OP_NE:
		return v != x;
	case PROBE_OP_LT:
		return lt;
	case PROBE_OP_LE:
		return lt || v == x;
	case PROBE_OP_GT:
		return !lt && v != x;
	case PROBE_OP_GE:
		return !lt;
	default:
		return false;
	}
}

/* Whether this hit passes the probe's filter (compared in the kernel, before anything is recorded). */
static __always_inline bool probe_filter_passes(void *ctx, int ctx_kind, const struct probe_arg_filter *f)
{
	char buf[PROBE_STR_LEN];
	bool equal;

	if (f->arg.source == PROBE_ARG_NONE)
		return true;
	if (f->arg.kind == PROBE_KIND_STR) {
		probe_arg_string(ctx, ctx_kind, &f->arg, buf);
		equal = probe_str_equal(buf, f->str);
		return f->op == PROBE_OP_NE ? !equal : equal;
	}
	return probe_compare(f->op, f->arg.flags & PROBE_SIGNED, probe_arg_number(ctx, ctx_kind, &f->arg), f->num);
}

#endif /* BPFLEET_PROBE_ARGS_BPF_H */
