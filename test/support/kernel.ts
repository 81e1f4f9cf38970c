import { existsSync } from 'node:fs';

/** Why BPF suites cannot run here, or undefined when they can. */
export function missingBpfFeature(): string | undefined {
  if (process.getuid?.() !== 0) return 'root (CAP_BPF and CAP_PERFMON) is needed to load BPF programs';
  if (!existsSync('/sys/kernel/btf/vmlinux')) return 'the kernel exposes no BTF at /sys/kernel/btf/vmlinux (CO-RE needs it)';
  if (!existsSync('/sys/kernel/tracing/events') && !existsSync('/sys/kernel/debug/tracing/events')) {
    return 'tracefs is not mounted (tracepoints cannot be attached)';
  }
  return undefined;
}

/**
 * True when BPF suites must be skipped, logging the named missing feature. Under CI=true a
 * missing feature is an error instead: CI must never pass with its BPF suites skipped.
 */
export function skipWithoutBpf(): boolean {
  const missing = missingBpfFeature();
  if (!missing) return false;
  if (process.env.CI === 'true') throw new Error(`BPF suites cannot run on CI: ${missing}`);
  console.warn(`skipping BPF suite: ${missing}`);
  return true;
}
