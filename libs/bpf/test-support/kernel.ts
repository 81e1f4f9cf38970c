import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
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

const ROOT = join(import.meta.dirname, '../../..');

/**
 * Compiles a test-only BPF C file (beside this helper) with the flags of scripts/build-bpf.sh into `outDir`;
 * returns the object path. Needs clang and build/vmlinux.h (scripts/build-bpf.sh writes it).
 */
export function compileTestBpf(name: string, outDir: string): string {
  const out = join(outDir, `${name}.bpf.o`);
  execFileSync(
    process.env.CLANG ?? 'clang',
    ['-g', '-O2', '-Wall', '-Werror', '-target', 'bpf', '-D__TARGET_ARCH_x86', '-I', join(ROOT, 'build'), '-I', join(ROOT, 'libs/bpf/include'),
      // usdt.bpf.h includes <linux/errno.h>, whose <asm/errno.h> lives in the multiarch directory.
      '-I', `/usr/include/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`, '-c', join(import.meta.dirname, `${name}.bpf.c`), '-o', out],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return out;
}

/** This process's open perf-event fds (anon_inode:[perf_event] in /proc/self/fd). */
export function perfEventFds(): number[] {
  const fds: number[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === 'anon_inode:[perf_event]') fds.push(Number(fd));
    } catch {
      /* closed while listing (the listing's own fd) */
    }
  }
  return fds;
}

/** This process's open BPF fds (programs, maps, links): anon_inode:bpf-prog / bpf-map / bpf_link. */
export function bpfFds(): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (/^anon_inode:(bpf|\[perf_event\])/.test(target)) out.push(`${fd}:${target}`);
    } catch {
      /* the listing's own fd */
    }
  }
  return out;
}
