import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { release } from 'node:os';
import type { KernelCapability } from '../../contracts/src/index.js';
import { libbpf } from './libbpf.js';
import { BPF_MAP_TYPE } from './map.js';
import { BpfObject } from './object.js';
import { bpfObjectPath } from './object-path.js';
import { PERF_COUNT_HW_CPU_CYCLES, PERF_COUNT_SW_CPU_CLOCK, PERF_TYPE_HARDWARE, PERF_TYPE_SOFTWARE, closeFd, onlineCpus, openPerfEvent } from './perf.js';
import { ensureTracefs, kprobesAvailable, uprobesAvailable } from './tracefs.js';

export { tracefsRoot } from './tracefs.js';

/** enum bpf_prog_type values probed. */
const PROG_TYPE = { KPROBE: 2, TRACEPOINT: 5, PERF_EVENT: 7, RAW_TRACEPOINT: 17, TRACING: 26 } as const;

/** What the probe found, and for each capability it lacks, why (for the agent's log and the refusal). */
export interface CapabilityReport {
  capabilities: KernelCapabilities;
  reasons: Partial<Record<KernelCapability, string>>;
}

/** What the kernel offers; the agent adds the capabilities its configuration grants. */
export type KernelCapabilities = Record<KernelCapability, boolean>;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] : String(err);
}

function hasBpftrace(): boolean {
  try {
    execFileSync('bpftrace', ['--version'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** libbpf_probe_bpf_prog_type: loads a minimal program of that type; 1 yes, 0 no, <0 could not tell. */
function progType(type: number): true | string {
  const ret = libbpf().libbpf_probe_bpf_prog_type(type, null);
  return ret === 1 ? true : ret === 0 ? `the kernel refuses BPF program type ${type}` : `probing program type ${type} failed (errno ${-ret})`;
}

/** Loads (does not attach) a tp_btf program: the real test of BTF-enabled tracing on this kernel. */
function tpBtfLoads(): true | string {
  let path: string;
  try {
    path = bpfObjectPath('capability_probe');
  } catch {
    // No prebuilt probe object (scripts/build-bpf.sh not run): fall back to libbpf's program-type probe.
    return progType(PROG_TYPE.TRACING);
  }
  try {
    using obj = BpfObject.open(path);
    obj.load();
    return true;
  } catch (err) {
    return `a tp_btf program does not load: ${errorText(err)}`;
  }
}

/** Opens a perf event on one CPU, disabled (it never fires), and closes it again. */
function perfEventOpens(type: number, config: number): true | string {
  try {
    const fd = openPerfEvent({ type, config, frequency: 99, disabled: true }, -1, onlineCpus()[0] ?? 0);
    closeFd(fd);
    return true;
  } catch (err) {
    return errorText(err);
  }
}

/**
 * Probes what this host's kernel offers BPF tools, by asking it: libbpf's program/map type probes (each
 * loads a tiny program or creates a tiny map), a tp_btf program load, perf_event_open of a software
 * cpu-clock event and of hardware cycles (opened disabled and closed at once), the `kprobe`/`uprobe` perf
 * PMUs (or their tracefs files), and BTF. Mounts tracefs when missing (see ensureTracefs). Costs a few
 * milliseconds; the agent runs it once at boot. Never throws: a probe that cannot run reports false with
 * its reason. Needs root (CAP_BPF + CAP_PERFMON) to report anything true.
 */
export function probeCapabilityReport(_kernel: string = release()): CapabilityReport {
  const reasons: Partial<Record<KernelCapability, string>> = {};
  const check = (cap: KernelCapability, ...probes: (() => true | string)[]): boolean => {
    for (const probe of probes) {
      let r: true | string;
      try {
        r = probe();
      } catch (err) {
        r = errorText(err);
      }
      if (r !== true) {
        reasons[cap] = r;
        return false;
      }
    }
    return true;
  };
  const btf = check('btf', () => existsSync('/sys/kernel/btf/vmlinux') || 'no kernel BTF at /sys/kernel/btf/vmlinux');
  const uprobe = check(
    'uprobe',
    () => uprobesAvailable() || 'no uprobe perf PMU and no tracefs uprobe_events',
    () => progType(PROG_TYPE.KPROBE),
  );
  const capabilities: KernelCapabilities = {
    btf,
    tracepoint: check(
      'tracepoint',
      () => (ensureTracefs(), true),
      () => progType(PROG_TYPE.TRACEPOINT),
    ),
    rawTracepoint: check('rawTracepoint', () => progType(PROG_TYPE.RAW_TRACEPOINT)),
    btfTracepoint: check('btfTracepoint', () => btf || 'needs kernel BTF', tpBtfLoads),
    kprobe: check(
      'kprobe',
      () => kprobesAvailable() || 'kernel built without kprobes (no kprobe perf PMU, no tracefs kprobe_events)',
      () => progType(PROG_TYPE.KPROBE),
    ),
    uprobe,
    usdt: check('usdt', () => uprobe || `needs uprobes: ${reasons.uprobe}`),
    perfSampling: check(
      'perfSampling',
      () => progType(PROG_TYPE.PERF_EVENT),
      () => perfEventOpens(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK),
    ),
    ringBuffer: check('ringBuffer', () => {
      const ret = libbpf().libbpf_probe_bpf_map_type(BPF_MAP_TYPE.RINGBUF, null);
      return ret === 1 || `the kernel refuses BPF ring buffer maps (${ret})`;
    }),
    pmc: check('pmc', () => perfEventOpens(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES)),
    bpftrace: check('bpftrace', () => hasBpftrace() || 'bpftrace is not installed'),
  };
  return { capabilities, reasons };
}

/** {@link probeCapabilityReport} without the reasons: the kernel's part of what the agent publishes in its heartbeat. */
export function probeCapabilities(kernel: string = release()): KernelCapabilities {
  return probeCapabilityReport(kernel).capabilities;
}
