import { readFileSync, readlinkSync } from 'node:fs';

/** One executable mapping of a process, from a `/proc/PID/maps` line. */
export interface Mapping {
  start: number;
  end: number;
  /** File offset the mapping starts at (the maps `offset` column). */
  offset: number;
  /** `major:minor` of the backing file's device, as printed in maps. */
  dev: string;
  inode: number;
  /**
   * The path as the process sees it (`/usr/lib/x86_64-linux-gnu/libc.so.6`), a pseudo name (`[vdso]`),
   * or '' for an anonymous mapping (JIT code). A trailing ` (deleted)` is removed and flagged.
   */
  path: string;
  /** The backing file was unlinked or replaced after it was mapped. */
  deleted: boolean;
}

/** A mapping backed by a file on disk (as opposed to `[vdso]` or anonymous memory). */
export function isFileBacked(m: Mapping): boolean {
  return m.path.startsWith('/') && m.inode !== 0;
}

/**
 * Parse `/proc/PID/maps` text, keeping only executable mappings (stack addresses only ever fall in
 * those), sorted by start address. Malformed lines are skipped.
 */
export function parseMaps(text: string): Mapping[] {
  const out: Mapping[] = [];
  for (const line of text.split('\n')) {
    // start-end perms offset dev inode [path]; the path may contain spaces, the other columns may not.
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) ([0-9a-f]+) (\S+) (\d+)\s*(.*)$/.exec(line);
    if (!m || m[3][2] !== 'x') continue;
    let path = m[7];
    const deleted = path.endsWith(' (deleted)');
    if (deleted) path = path.slice(0, -' (deleted)'.length);
    out.push({
      start: parseInt(m[1], 16),
      end: parseInt(m[2], 16),
      offset: parseInt(m[4], 16),
      dev: m[5],
      inode: Number(m[6]),
      path,
      deleted,
    });
  }
  out.sort((a, b) => a.start - b.start);
  return out;
}

/** The mapping holding `addr`, by binary search over mappings sorted by start; undefined if none. */
export function findMapping(maps: readonly Mapping[], addr: number): Mapping | undefined {
  let a = 0;
  let b = maps.length - 1;
  while (a <= b) {
    const mid = (a + b) >>> 1;
    const m = maps[mid];
    if (addr < m.start) b = mid - 1;
    else if (addr >= m.end) a = mid + 1;
    else return m;
  }
  return undefined;
}

/**
 * Read and parse `/proc/PID/maps` now. Undefined when the process is gone (or unreadable); never throws.
 */
export function readProcessMaps(pid: number): Mapping[] | undefined {
  try {
    return parseMaps(readFileSync(`/proc/${pid}/maps`, 'utf8'));
  } catch {
    return undefined;
  }
}

let selfMountNs: string | undefined;

/**
 * The prefix to put before a path from `pid`'s maps to open that file from this process: '' when both
 * share a mount namespace, `/proc/PID/root` when they do not (a container seen from a host agent, or the
 * host seen from a containerized agent with `pid: host`). Undefined when the process is gone.
 */
export function rootPrefix(pid: number): string | undefined {
  try {
    selfMountNs ??= readlinkSync('/proc/self/ns/mnt');
    const ns = readlinkSync(`/proc/${pid}/ns/mnt`);
    return ns === selfMountNs ? '' : `/proc/${pid}/root`;
  } catch {
    // ns links need ptrace access; without it, fall back to the root link, which works wherever it can.
    try {
      readlinkSync(`/proc/${pid}/root`);
      return `/proc/${pid}/root`;
    } catch {
      return undefined;
    }
  }
}
