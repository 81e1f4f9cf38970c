import { readFileSync } from 'node:fs';
import { BpfError, NotSupportedError } from './errors.js';
import { defineStruct, s32, u16, u32, u64 } from './layout.js';
import { koffi, libbpf } from './libbpf.js';

/** x86-64 syscall number of perf_event_open(2). */
const SYS_perf_event_open = 298;

export const PERF_TYPE_HARDWARE = 0;
export const PERF_TYPE_SOFTWARE = 1;
export const PERF_COUNT_HW_CPU_CYCLES = 0;
export const PERF_COUNT_SW_CPU_CLOCK = 0;
/** perf_event_open flag: the fd is close-on-exec, so spawned children never inherit a sampling event. */
const PERF_FLAG_FD_CLOEXEC = 8;

/** Bits of perf_event_attr's flags word (the C bitfield starting at `disabled`). */
export const PERF_ATTR_FLAG = { disabled: 1n << 0n, inherit: 1n << 1n, excludeKernel: 1n << 5n, freq: 1n << 10n } as const;

/**
 * struct perf_event_attr (include/uapi/linux/perf_event.h), PERF_ATTR_SIZE_VER8 = 136 bytes. The kernel
 * accepts any size it knows, zero-filling newer fields, so this layout works from 5.x to current.
 */
export const PerfEventAttr = defineStruct({
  type: u32,
  size: u32,
  config: u64,
  sample_period_or_freq: u64,
  sample_type: u64,
  read_format: u64,
  flags: u64,
  wakeup_events: u32,
  bp_type: u32,
  config1: u64,
  config2: u64,
  branch_sample_type: u64,
  sample_regs_user: u64,
  sample_stack_user: u32,
  clockid: s32,
  sample_regs_intr: u64,
  aux_watermark: u32,
  sample_max_stack: u16,
  reserved_2: u16,
  aux_sample_size: u32,
  reserved_3: u32,
  sig_data: u64,
  config3: u64,
});

export interface PerfEventSpec {
  type: number;
  config: number;
  /** Sampling frequency in Hz (sets attr.freq); mutually exclusive with samplePeriod. */
  frequency?: number;
  samplePeriod?: number;
  /** Open disabled (attach enables it; a capability probe never needs it running). */
  disabled?: boolean;
}

/**
 * perf_event_open(2) through libc syscall(): `pid` -1 with a `cpu` ≥ 0 counts every task on that CPU.
 * Returns a close-on-exec fd the caller owns (hand it to {@link BpfProgram.attachPerfEvent}, or
 * {@link closeFd} it). Throws NotSupportedError('perf-event') for ENOENT/EOPNOTSUPP (no such PMU or
 * event on this host), BpfError('perf_event_open', errno) otherwise.
 */
export function openPerfEvent(spec: PerfEventSpec, pid: number, cpu: number): number {
  let flags = spec.disabled ? PERF_ATTR_FLAG.disabled : 0n;
  let periodOrFreq = BigInt(spec.samplePeriod ?? 0);
  if (spec.frequency !== undefined) {
    if (!Number.isInteger(spec.frequency) || spec.frequency < 1) throw new RangeError(`frequency ${spec.frequency} Hz`);
    flags |= PERF_ATTR_FLAG.freq;
    periodOrFreq = BigInt(spec.frequency);
  }
  const attr = PerfEventAttr.encode({
    type: spec.type,
    size: PerfEventAttr.size,
    config: BigInt(spec.config),
    sample_period_or_freq: periodOrFreq,
    flags,
  });
  const lib = libbpf();
  const fd = Number(lib.syscall(SYS_perf_event_open, 'void *', attr, 'int', pid, 'int', cpu, 'int', -1, 'unsigned long', PERF_FLAG_FD_CLOEXEC));
  if (fd >= 0) return fd;
  const errno = koffi.errno();
  if (errno === 2 /* ENOENT */ || errno === 95 /* EOPNOTSUPP */ || errno === 19 /* ENODEV */) {
    throw new NotSupportedError('perf-event', `perf_event_open(type ${spec.type}, config ${spec.config}) on cpu ${cpu}: this host has no such event`);
  }
  throw new BpfError('perf_event_open', errno, `type ${spec.type} config ${spec.config} cpu ${cpu}`);
}

/** close(2) of an fd this module handed out and nobody else took ownership of. */
export function closeFd(fd: number): void {
  if (fd >= 0) libbpf().close(fd);
}

/** Parses a kernel CPU list ("0-3,5,7-8"). */
export function parseCpuList(text: string): number[] {
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    if (!part) continue;
    const [lo, hi = lo] = part.split('-').map(Number);
    for (let c = lo; c <= hi; c++) cpus.push(c);
  }
  return cpus;
}

/** CPUs online now (/sys/devices/system/cpu/online); read on each call since CPUs can be hot-plugged. */
export function onlineCpus(): number[] {
  return parseCpuList(readFileSync('/sys/devices/system/cpu/online', 'utf8'));
}
