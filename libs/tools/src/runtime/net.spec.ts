import { describe, expect, it } from 'vitest';
import { AF_INET, AF_INET6, familyName, formatIp, protocolName, resultName } from './net.js';

const v6 = (text: string) => {
  // Test input written out in full, eight groups.
  const buf = Buffer.alloc(16);
  text.split(':').forEach((g, i) => buf.writeUInt16BE(parseInt(g, 16), i * 2));
  return buf;
};

describe('net formatting', () => {
  it('formats IPv4 and IPv6 as ss does, IPv4-mapped IPv6 as IPv4', () => {
    expect(formatIp(AF_INET, Buffer.from([127, 0, 0, 1]))).toBe('127.0.0.1');
    expect(formatIp(AF_INET6, v6('0:0:0:0:0:0:0:1'))).toBe('::1');
    expect(formatIp(AF_INET6, v6('0:0:0:0:0:0:0:0'))).toBe('::');
    expect(formatIp(AF_INET6, v6('2001:db8:0:0:1:0:0:1'))).toBe('2001:db8::1:0:0:1');
    expect(formatIp(AF_INET6, v6('fe80:0:0:0:0:0:0:1'))).toBe('fe80::1');
    expect(formatIp(AF_INET6, v6('2001:db8:1:0:1:1:1:1'))).toBe('2001:db8:1:0:1:1:1:1');
    expect(formatIp(AF_INET6, v6('0:0:0:0:0:ffff:7f00:1'))).toBe('127.0.0.1');
  });

  it('names families, protocols and results', () => {
    expect([1, 2, 10, 99].map(familyName)).toEqual(['AF_UNIX', 'AF_INET', 'AF_INET6', 'AF_99']);
    expect([6, 17, 99].map(protocolName)).toEqual(['TCP', 'UDP', 'IPPROTO_99']);
    expect([0, -111, -115].map(resultName)).toEqual(['OK', 'ECONNREFUSED', 'EINPROGRESS']);
  });
});
