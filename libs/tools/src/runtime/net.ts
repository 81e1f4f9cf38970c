import { errnoName } from '../../../bpf/src/index.js';

/** Address families by number (include/linux/socket.h), as users know them from ss and strace. */
const FAMILIES: Record<number, string> = {
  0: 'AF_UNSPEC',
  1: 'AF_UNIX',
  2: 'AF_INET',
  10: 'AF_INET6',
  16: 'AF_NETLINK',
  17: 'AF_PACKET',
  38: 'AF_ALG',
  40: 'AF_VSOCK',
  44: 'AF_XDP',
};

export const AF_INET = 2;
export const AF_INET6 = 10;

/** `AF_INET`, `AF_INET6`, `AF_UNIX`, …, or `AF_<n>` for a family without a well-known name. */
export function familyName(family: number): string {
  return FAMILIES[family] ?? `AF_${family}`;
}

/** Transport protocols by IP protocol number (include/uapi/linux/in.h). */
const PROTOCOLS: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPV6', 132: 'SCTP', 136: 'UDPLITE', 255: 'RAW', 262: 'MPTCP' };

/** `TCP`, `UDP`, …, or `IPPROTO_<n>`. */
export function protocolName(protocol: number): string {
  return PROTOCOLS[protocol] ?? `IPPROTO_${protocol}`;
}

/**
 * An address as text: `bytes` holds 4 (AF_INET) or 16 (AF_INET6) bytes in network order at its start. IPv6
 * follows RFC 5952 (lower-case, the longest run of zero groups as `::`); an IPv4-mapped IPv6 address
 * (`::ffff:a.b.c.d`, what a dual-stack socket sees of an IPv4 peer) is shown as the IPv4 address.
 */
export function formatIp(family: number, bytes: Buffer): string {
  if (family === AF_INET) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (family !== AF_INET6) return '';
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return formatIp(AF_INET, bytes.subarray(12));
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.len < 2) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

/** A syscall's outcome as users read it: `OK` for success, else the errno's name (`ECONNREFUSED`, `EINPROGRESS`). */
export function resultName(ret: number): string {
  return ret >= 0 ? 'OK' : errnoName(-ret);
}

/** A port filter's list as filters.bpf.h `port_listed` reads it: `__u16`s in host order, and how many (0: no filter). */
export function portsRodata(ports: readonly number[] | undefined): { ports: Buffer; count: number } {
  return { ports: Buffer.from(Uint16Array.from(ports ?? []).buffer), count: ports?.length ?? 0 };
}
