import { existsSync } from 'node:fs';
import { NotSupportedError, errnoName } from './errors.js';
import { koffi, libbpf } from './libbpf.js';

const TRACEFS_ROOTS = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'];
const MOUNT_POINT = '/sys/kernel/tracing';
const MS_NOSUID = 2;
const MS_NODEV = 4;
const MS_NOEXEC = 8;

/** The tracefs mount in use, or undefined when none is mounted (libbpf then cannot attach `tp/` programs). */
export function tracefsRoot(): string | undefined {
  return TRACEFS_ROOTS.find((root) => existsSync(`${root}/events`));
}

/**
 * Makes sure tracefs is mounted and returns its root. Mounts it at /sys/kernel/tracing (mount(2),
 * nosuid,nodev,noexec as systemd does) when absent; the mount is host-wide and stays after the process
 * exits, which is what every later run wants. Throws NotSupportedError('tracefs') when it is absent and
 * cannot be mounted (not root, kernel without CONFIG_TRACING, a read-only /sys in a container).
 */
export function ensureTracefs(): string {
  const root = tracefsRoot();
  if (root) return root;
  if (process.getuid?.() !== 0) {
    throw new NotSupportedError('tracefs', `tracefs is not mounted at ${MOUNT_POINT} and mounting it needs root`);
  }
  if (!existsSync(MOUNT_POINT)) {
    throw new NotSupportedError('tracefs', `${MOUNT_POINT} does not exist: kernel built without tracefs`);
  }
  const ret = libbpf().mount('tracefs', MOUNT_POINT, 'tracefs', MS_NOSUID | MS_NODEV | MS_NOEXEC, null);
  if (ret !== 0) {
    const errno = koffi.errno();
    if (errno !== 16 /* EBUSY: mounted meanwhile */ || !tracefsRoot()) {
      throw new NotSupportedError('tracefs', `mounting tracefs at ${MOUNT_POINT} failed: ${errnoName(errno)}`);
    }
  }
  const mounted = tracefsRoot();
  if (!mounted) throw new NotSupportedError('tracefs', `tracefs mounted at ${MOUNT_POINT} but has no events/`);
  return mounted;
}

/** Whether a perf PMU is registered (/sys/bus/event_source/devices/<name>): `kprobe`, `uprobe`, `cpu`… */
export function pmuExists(name: string): boolean {
  return existsSync(`/sys/bus/event_source/devices/${name}`);
}

/**
 * Whether this kernel can create kprobes: the `kprobe` perf PMU (what libbpf uses, 4.17+) or the legacy
 * tracefs kprobe_events file. Both are absent on a kernel built without CONFIG_KPROBE_EVENTS.
 */
export function kprobesAvailable(): boolean {
  if (pmuExists('kprobe')) return true;
  const root = tracefsRoot();
  return root !== undefined && existsSync(`${root}/kprobe_events`);
}

/** Same for uprobes (`uprobe` PMU, or tracefs uprobe_events). */
export function uprobesAvailable(): boolean {
  if (pmuExists('uprobe')) return true;
  const root = tracefsRoot();
  return root !== undefined && existsSync(`${root}/uprobe_events`);
}
