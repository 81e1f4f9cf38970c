import { bytes, defineStruct, u16, type BpfMap, type Decoded } from '../../../bpf/src/index.js';
import type { CountsResult } from '../../../contracts/src/index.js';
import { AF_INET, AF_INET6, formatIp } from './net.js';
import type { Collector } from './runner.js';

/**
 * The TS side of libs/bpf/include/sockets.bpf.h, shared by the socket tools (soconnect, soaccept, sofamily,
 * soprotocol): the address layout, how an address reads as text, and the rows of the counting tools.
 */

export const AF_UNIX = 1;

/** Mirrors `struct sock_addr` of sockets.bpf.h. */
export const SockAddr = defineStruct({ addr: bytes(16), family: u16, port: u16, path_len: u16, path: bytes(108) });
export type SockAddrValue = Decoded<typeof SockAddr.fields>;

/** The kernel's SOCK_DIRECTION_* (sockets.bpf.h), by value. */
const DIRECTIONS = ['connect', 'accept'];

export function directionName(direction: number): string {
  return DIRECTIONS[direction] ?? `direction_${direction}`;
}

/** AF_INET or AF_INET6: addresses with ports, sockets with IP protocol numbers. */
export function isIpFamily(family: number): boolean {
  return family === AF_INET || family === AF_INET6;
}

/**
 * An AF_UNIX address as ss and /proc/net/unix show it: a pathname up to its NUL; an abstract name (first
 * byte NUL, every byte of the length significant) as `@name`, its NULs shown as `@`; '' when unnamed.
 */
export function unixPath(path: Buffer): string {
  if (path.length === 0) return '';
  if (path[0] === 0) return `@${path.toString('utf8', 1).replaceAll('\0', '@')}`;
  const end = path.indexOf(0);
  return path.toString('utf8', 0, end < 0 ? path.length : end);
}

/** An address as text: an IP address (formatIp), an AF_UNIX path, or '' for a family with neither. */
export function addressText(a: SockAddrValue): string {
  if (isIpFamily(a.family)) return formatIp(a.family, a.addr);
  if (a.family === AF_UNIX) return unixPath(a.path.subarray(0, a.path_len));
  return '';
}

/** The port of an IP address; null for families without ports (AF_UNIX…). */
export function portOf(a: SockAddrValue): number | null {
  return isIpFamily(a.family) ? a.port : null;
}

/**
 * The collector of a socket counting tool, from its kernel counts (u64 values): each key becomes a row by
 * `row` (its `keys` columns), rows naming the same keys are summed (TCP over IPv4 and over IPv6 are one
 * `TCP` row), sorted by count descending, then by their keys. The counts are only read, so a snapshot
 * (for `intervalSec`) is the result so far.
 */
export function countsCollector(counts: BpfMap, keys: string[], row: (key: Buffer) => Record<string, string>): Collector<CountsResult> {
  const keyText = (r: Record<string, string | number>) => keys.map((name) => r[name]).join('\0');
  const read = (): CountsResult => {
    const byKeys = new Map<string, Record<string, string | number>>();
    for (const [k, v] of counts.entries()) {
      const r = row(k);
      const existing = byKeys.get(keyText(r)) ?? { ...r, count: 0 };
      existing.count = (existing.count as number) + Number(v.readBigUInt64LE(0));
      byKeys.set(keyText(r), existing);
    }
    const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const rows = [...byKeys.values()].sort((a, b) => (b.count as number) - (a.count as number) || byText(keyText(a), keyText(b)));
    return { kind: 'counts', keys, rows, total: rows.reduce((sum, r) => sum + (r.count as number), 0) };
  };
  return { empty: () => ({ kind: 'counts', keys, rows: [], total: 0 }), collect: read, snapshot: read };
}
