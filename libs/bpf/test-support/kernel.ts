import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';

/**
 * Why the kernel tests cannot run here, or null when they can: root, BTF, and libbpf are needed. Tests
 * using this skip with the named missing feature, except under CI=true where a missing feature fails.
 */
export function missingKernelFeature(): string | null {
  if (process.getuid?.() !== 0) return 'root (CAP_BPF + CAP_PERFMON)';
  if (!existsSync('/sys/kernel/btf/vmlinux')) return 'kernel BTF (/sys/kernel/btf/vmlinux)';
  try {
    execFileSync('bpftool', ['version'], { stdio: 'ignore' });
  } catch {
    return 'bpftool';
  }
  return null;
}

/** `describe` that runs only when the kernel features are present; under CI=true a missing one fails. */
export function describeKernel(name: string, fn: () => void, missing = missingKernelFeature()): void {
  if (!missing) {
    describe(name, fn);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it(`requires ${missing}`, () => {
        throw new Error(`missing kernel feature on CI: ${missing}`);
      });
    });
    return;
  }
  describe.skip(`${name} (skipped: missing ${missing})`, fn);
}

/** Programs currently loaded in the kernel with one of these names: id → name. */
export function loadedPrograms(names: readonly string[]): Map<number, string> {
  const progs = JSON.parse(execFileSync('bpftool', ['prog', 'show', '-j'], { encoding: 'utf8' })) as { id: number; name?: string }[];
  return new Map(progs.filter((p) => p.name && names.includes(p.name)).map((p) => [p.id, p.name!]));
}

/** Links currently in the kernel whose program is one of `progIds`. */
export function linksOf(progIds: readonly number[]): number[] {
  const links = JSON.parse(execFileSync('bpftool', ['link', 'show', '-j'], { encoding: 'utf8' })) as { id: number; prog_id: number }[];
  return links.filter((l) => progIds.includes(l.prog_id)).map((l) => l.id);
}
