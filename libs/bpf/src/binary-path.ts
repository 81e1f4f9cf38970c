import { execFileSync } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, readSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { NotSupportedError } from './errors.js';

/**
 * Does a file name match a library name as users write it in probe specs (`u:libc:getppid`): `libc`,
 * `c`, `libc.so.6` all name `libc.so.6` (and `libc-2.31.so`); `python3.11` names `libpython3.11.so.1.0`.
 */
export function libraryNameMatches(name: string, file: string): boolean {
  const base = basename(file);
  if (base === name) return true;
  const stems = name.startsWith('lib') ? [name] : [`lib${name}`, name];
  return stems.some((stem) => base.startsWith(`${stem}.so`) || (base.startsWith(`${stem}-`) && /\.so(\.|$)/.test(base)));
}

/** `ldconfig -p` parsed: soname → path, this architecture's entries first. Cached per process. */
let ldCache: { name: string; path: string }[] | undefined;
function ldconfigEntries(): { name: string; path: string }[] {
  if (ldCache) return ldCache;
  let out = '';
  for (const cmd of ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    try {
      out = execFileSync(cmd, ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
      break;
    } catch {
      /* try the next location */
    }
  }
  const entries: { name: string; path: string; native: boolean }[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s+(\S+) \(([^)]*)\) => (\S+)$/.exec(line);
    if (m) entries.push({ name: m[1], path: m[3], native: m[2].includes(process.arch === 'x64' ? 'x86-64' : process.arch) });
  }
  entries.sort((a, b) => Number(b.native) - Number(a.native));
  ldCache = entries;
  return ldCache;
}

/** File-backed mappings of a process (/proc/PID/maps), unique paths in map order. */
function mappedFiles(pid: number): string[] {
  const seen = new Set<string>();
  for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
    const path = line.split(/\s+/).slice(5).join(' ');
    if (path.startsWith('/') && !path.endsWith(' (deleted)')) seen.add(path);
  }
  return [...seen];
}

function sameMountNamespace(pid: number): boolean {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`) === readlinkSync('/proc/self/ns/mnt');
  } catch {
    return true;
  }
}

/** An executable ELF file (not a script or a shim such as pyenv's: probes need the real binary). */
function isElfExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    const fd = openSync(path, 'r');
    try {
      const magic = Buffer.alloc(4);
      return readSync(fd, magic, 0, 4, 0) === 4 && magic.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/**
 * Resolves the binary of a uprobe/USDT target to a path libbpf can open. A path (contains `/`) is used as
 * is. A library name (`libc`, `c`, `libc.so.6`) is looked up in the mappings of `pid` when given (the
 * library that process really runs, seen through /proc/PID/root when it lives in another mount namespace),
 * else in the ld.so cache (`ldconfig -p`); an executable name is looked up in $PATH (ELF files only, symlinks resolved: wrappers and shims are skipped). Throws
 * NotSupportedError('uprobe-target') naming what was searched when nothing matches.
 */
export function resolveBinaryPath(target: string, pid?: number): string {
  if (target.includes('/')) {
    if (!existsSync(target)) throw new NotSupportedError('uprobe-target', `${target}: no such file`);
    return target;
  }
  if (pid !== undefined && pid > 0) {
    let files: string[] = [];
    try {
      files = mappedFiles(pid);
    } catch {
      throw new NotSupportedError('uprobe-target', `process ${pid} does not exist (resolving ${target})`);
    }
    const hit = files.find((f) => basename(f) === target) ?? files.find((f) => libraryNameMatches(target, f));
    if (hit) return sameMountNamespace(pid) ? hit : `/proc/${pid}/root${hit}`;
  }
  // Exact names first, so `python3.11` is the executable, not libpython3.11.so; then `libc` → libc.so.6.
  const ld = ldconfigEntries();
  const exact = ld.find((e) => e.name === target);
  if (exact) return exact.path;
  for (const dir of (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    const p = join(dir, target);
    if (dir && isElfExecutable(p)) return realpathSync(p);
  }
  const lib = ld.find((e) => libraryNameMatches(target, e.name));
  if (lib) return lib.path;
  const where = pid !== undefined ? `the mappings of pid ${pid}, ` : '';
  throw new NotSupportedError('uprobe-target', `no library or executable named "${target}" in ${where}the ld.so cache or $PATH`);
}
