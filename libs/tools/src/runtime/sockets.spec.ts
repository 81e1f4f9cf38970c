import { describe, expect, it } from 'vitest';
import { AF_INET, AF_INET6 } from './net.js';
import { AF_UNIX, SockAddr, addressText, directionName, portOf, unixPath } from './sockets.js';

const sockAddr = (family: number, fields: { addr?: number[]; port?: number; path?: string }) => {
  const path = Buffer.from(fields.path ?? '', 'utf8');
  return SockAddr.decode(SockAddr.encode({ family, port: fields.port ?? 0, addr: Buffer.from(fields.addr ?? []), path, path_len: path.length }));
};

describe('socket addresses', () => {
  it('mirrors struct sock_addr (16 + 3 × 2 + 108 bytes)', () => {
    expect(SockAddr.size).toBe(130);
    expect(SockAddr.offsets).toEqual({ addr: 0, family: 16, port: 18, path_len: 20, path: 22 });
  });

  it('shows IP addresses with their ports', () => {
    const v4 = sockAddr(AF_INET, { addr: [127, 0, 0, 1], port: 8080 });
    expect([addressText(v4), portOf(v4)]).toEqual(['127.0.0.1', 8080]);
    const v6 = sockAddr(AF_INET6, { addr: [...Array(15).fill(0), 1], port: 443 });
    expect([addressText(v6), portOf(v6)]).toEqual(['::1', 443]);
  });

  it('shows AF_UNIX pathnames up to their NUL, abstract names as @name (NULs as @), unnamed as empty, without ports', () => {
    expect(unixPath(Buffer.from('/run/app.sock\0garbage'))).toBe('/run/app.sock');
    expect(unixPath(Buffer.from('\0app\0x'))).toBe('@app@x');
    expect(unixPath(Buffer.alloc(0))).toBe('');
    const unix = sockAddr(AF_UNIX, { path: '/run/app.sock\0' });
    expect([addressText(unix), portOf(unix)]).toEqual(['/run/app.sock', null]);
  });

  it('has no address text or port for other families', () => {
    const netlink = sockAddr(16, { port: 7 });
    expect([addressText(netlink), portOf(netlink)]).toEqual(['', null]);
  });

  it('names directions as sockets.bpf.h numbers them', () => {
    expect([0, 1, 2].map(directionName)).toEqual(['connect', 'accept', 'direction_2']);
  });
});
