import { readFileSync } from 'node:fs';

/**
 * Where the host's x86-64 syscall numbers are read from (linux-libc-dev's uapi header). Read at runtime
 * so the names always match the host's headers; see docs/bpf-runtime.md.
 */
export const UNISTD_64_CANDIDATES = [
  '/usr/include/x86_64-linux-gnu/asm/unistd_64.h',
  '/usr/include/asm/unistd_64.h',
  '/usr/include/asm-generic/unistd_64.h',
];

let cached: Map<number, string> | undefined;

/** Parses `#define __NR_name nr` lines. */
export function parseUnistd(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const m of text.matchAll(/^#define\s+__NR_(\w+)\s+(\d+)\s*$/gm)) names.set(Number(m[2]), m[1]);
  return names;
}

/** Syscall number → name table of this host (empty when no header is installed). Cached after first call. */
export function syscallTable(candidates = UNISTD_64_CANDIDATES): Map<number, string> {
  if (cached) return cached;
  for (const path of candidates) {
    try {
      const names = parseUnistd(readFileSync(path, 'utf8'));
      if (names.size > 0) return (cached = names);
    } catch {
      // try the next candidate
    }
  }
  return (cached = new Map());
}

/** The name of syscall `nr` on x86-64, or `syscall_<nr>` when the host has no table for it. */
export function syscallName(nr: number): string {
  return syscallTable().get(nr) ?? `syscall_${nr}`;
}
