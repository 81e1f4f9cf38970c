import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { release } from 'node:os';
import type { Capabilities } from '../../contracts/src/index.js';

const TRACEFS_ROOTS = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'];
const PMU_DEVICES = '/sys/bus/event_source/devices';

function kernelAtLeast(kernel: string, major: number, minor: number): boolean {
  const [maj = 0, min = 0] = kernel.split(/[.-]/).map(Number);
  return maj > major || (maj === major && min >= minor);
}

/** The tracefs mount in use, or undefined when none is mounted (libbpf then cannot attach tracepoints). */
export function tracefsRoot(): string | undefined {
  return TRACEFS_ROOTS.find((root) => existsSync(`${root}/events`));
}

function hasBpftrace(): boolean {
  try {
    execFileSync('bpftrace', ['--version'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Probes what this host's kernel offers to BPF tools. The dynamic-probe and PMU answers come from the
 * kernel's own registries (perf PMUs under /sys/bus/event_source, tracefs), which is where a kernel
 * built without kprobes or run without a PMU shows it; the rest follows from BTF and the kernel release.
 */
export function probeCapabilities(kernel: string = release()): Capabilities {
  const tracefs = tracefsRoot();
  const btf = existsSync('/sys/kernel/btf/vmlinux');
  const pmu = (name: string) => existsSync(`${PMU_DEVICES}/${name}`);
  const uprobe = pmu('uprobe') || (tracefs !== undefined && existsSync(`${tracefs}/uprobe_events`));
  return {
    btf,
    tracepoint: tracefs !== undefined,
    rawTracepoint: kernelAtLeast(kernel, 4, 17),
    btfTracepoint: btf && kernelAtLeast(kernel, 5, 5),
    kprobe: pmu('kprobe') || (tracefs !== undefined && existsSync(`${tracefs}/kprobe_events`)),
    uprobe,
    usdt: uprobe,
    perfSampling: pmu('software'),
    ringBuffer: kernelAtLeast(kernel, 5, 8),
    pmc: pmu('cpu'),
    bpftrace: hasBpftrace(),
  };
}
