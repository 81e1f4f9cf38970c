import { describe, expect, it } from 'vitest';
import { bool, bytes, char, defineStruct, s32, s64, splitCStrings, u8, u16, u32, u64 } from './layout.js';

describe('defineStruct', () => {
  it('lays fields out with C alignment and tail padding', () => {
    const S = defineStruct({ a: u8, b: u32, c: u16, d: u64, e: char(3) });
    expect(S.offsets).toEqual({ a: 0, b: 4, c: 8, d: 16, e: 24 });
    expect(S.size).toBe(32);
    expect(S.align).toBe(8);
  });

  it('matches execsnoop.h struct event (7984 bytes)', () => {
    const E = defineStruct({ ts: u64, pid: u32, ppid: u32, uid: u32, retval: s32, n: s32, sz: u32, comm: char(16), f: char(256), args: bytes(7680) });
    expect(E.size).toBe(7984);
    expect(E.offsets.f).toBe(48); // the verifier log shows filename at off=48 too
  });

  it('round-trips values, including negatives and strings', () => {
    const S = defineStruct({ flag: bool, ret: s32, big: s64, name: char(8), raw: bytes(3) });
    const buf = S.encode({ flag: true, ret: -2, big: -5n, name: 'true', raw: Buffer.from([1, 2]) });
    expect(S.decode(buf)).toEqual({ flag: true, ret: -2, big: -5n, name: 'true', raw: Buffer.from([1, 2, 0]) });
  });

  it('decodes at an offset and nests structs', () => {
    const Inner = defineStruct({ x: u16, y: u64 });
    const Outer = defineStruct({ tag: u8, inner: Inner });
    expect(Outer.offsets.inner).toBe(8);
    const buf = Buffer.alloc(4 + Outer.size);
    Outer.write(buf, 4, { tag: 7, inner: { x: 3, y: 9n } });
    expect(Outer.decode(buf, 4)).toEqual({ tag: 7, inner: { x: 3, y: 9n } });
  });

  it('rejects strings that do not fit with their NUL, and short buffers', () => {
    const S = defineStruct({ name: char(4) });
    expect(() => S.encode({ name: 'abcd' })).toThrow(RangeError);
    expect(() => S.decode(Buffer.alloc(2))).toThrow(RangeError);
  });

  it('splits argv-style NUL-separated strings', () => {
    expect(splitCStrings(Buffer.from('a\0bc\0\0d\0'), 3)).toEqual(['a', 'bc', '']);
    expect(splitCStrings(Buffer.from('x\0y'))).toEqual(['x', 'y']);
  });
});
