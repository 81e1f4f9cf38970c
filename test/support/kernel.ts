/**
 * The one kernel-feature helper of every test suite (library, integration, end to end), and the one place
 * that compiles test BPF programs. A suite that needs the kernel is declared with {@link describeKernel}:
 * it runs when the features are here, is skipped naming the missing feature otherwise, and FAILS under
 * CI=true (CI must never pass with its kernel suites skipped).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';

export const ROOT = join(import.meta.dirname, '../..');

/** Why the kernel suites cannot run here, or null when they can. */
export function missingKernelFeature(): string | null {
  if (process.getuid?.() !== 0) return 'root (CAP_BPF + CAP_PERFMON)';
  if (!existsSync('/sys/kernel/btf/vmlinux')) return 'kernel BTF (/sys/kernel/btf/vmlinux)';
  if (!existsSync('/sys/kernel/tracing/events') && !existsSync('/sys/kernel/debug/tracing/events')) return 'tracefs (tracepoints)';
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

/** This process's open perf-event fds (anon_inode:[perf_event] in /proc/self/fd). */
export function perfEventFds(): number[] {
  return openFds(/^anon_inode:\[perf_event\]$/).map((entry) => Number(entry.split(':')[0]));
}

/** This process's open BPF fds (programs, maps, links) and perf fds, as `fd:target`. */
export function bpfFds(): string[] {
  return openFds(/^anon_inode:(bpf|\[perf_event\])/);
}

function openFds(target: RegExp): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const link = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.test(link)) out.push(`${fd}:${link}`);
    } catch {
      /* the listing's own fd, closed while listing */
    }
  }
  return out;
}

const FIXTURES = join(ROOT, 'test/fixtures');
const CACHE = join(ROOT, 'build/test-fixtures');
const INCLUDE = join(ROOT, 'libs/bpf/include');
/** The project's BPF headers: an input of every fixture (some workloads include one for the host). */
const headers = () => readdirSync(INCLUDE).map((f) => join(INCLUDE, f));

/** Runs `build` into `out` unless `out` is newer than every input. Test files compile once per checkout change. */
function cached(out: string, inputs: string[], build: (out: string) => void): string {
  mkdirSync(CACHE, { recursive: true });
  const fresh = existsSync(out) && inputs.every((input) => statSync(input).mtimeMs <= statSync(out).mtimeMs);
  if (!fresh) build(out);
  return out;
}

/**
 * Compiles `test/fixtures/bpf/<name>.bpf.c` with the flags of scripts/build-bpf.sh (build/vmlinux.h, the
 * project's BPF headers) and returns the object's path. Throws with clang's diagnostics on error.
 */
export function compileTestBpf(name: string): string {
  const src = join(FIXTURES, 'bpf', `${name}.bpf.c`);
  const arch = process.arch === 'arm64' ? 'aarch64' : 'x86_64';
  return cached(join(CACHE, `${name}.bpf.o`), [src, join(ROOT, 'build/vmlinux.h'), ...headers()], (out) =>
    execFileSync(
      process.env.CLANG ?? 'clang',
      ['-g', '-O2', '-Wall', '-target', 'bpf', '-D__TARGET_ARCH_x86', '-I', join(ROOT, 'build'), '-I', INCLUDE,
        // usdt.bpf.h includes <linux/errno.h>, whose <asm/errno.h> lives in the multiarch directory.
        '-I', `/usr/include/${arch}-linux-gnu`, '-c', src, '-o', out],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    ),
  );
}

/**
 * Compiles the C workload `test/fixtures/workloads/<name>.c` into an executable named `binaryName`
 * (default `name`; the name is its comm, so tests can filter on it) and returns its path. Built with
 * frame pointers and symbols so user stacks walk and symbolize; `-I libs/bpf/include` so a workload can
 * compile a BPF header for the host.
 */
export function compileWorkload(name: string, binaryName = name, extraFlags: string[] = []): string {
  const src = join(FIXTURES, 'workloads', `${name}.c`);
  return cached(join(CACHE, binaryName), [src, ...headers()], (out) =>
    execFileSync('cc', ['-O1', '-g', '-fno-omit-frame-pointer', '-pthread', '-I', INCLUDE, '-o', out, src, ...extraFlags], { stdio: ['ignore', 'ignore', 'pipe'] }),
  );
}
