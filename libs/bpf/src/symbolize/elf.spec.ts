import { describe, expect, it } from 'vitest';
import { fileOffsetToVaddr, loadSegmentsOf, parseElfHeader } from './elf.js';

interface Phdr {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
}

/** A minimal ELF64 little-endian image: header + program headers, as the linker lays them out. */
function elf64(phdrs: Phdr[]): Uint8Array {
  const buf = new Uint8Array(64 + 56 * phdrs.length);
  const v = new DataView(buf.buffer);
  buf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  v.setUint16(0x10, 3, true); // ET_DYN
  v.setBigUint64(0x20, 64n, true); // e_phoff
  v.setUint16(0x36, 56, true); // e_phentsize
  v.setUint16(0x38, phdrs.length, true); // e_phnum
  phdrs.forEach((p, i) => {
    const o = 64 + i * 56;
    v.setUint32(o, p.type, true);
    v.setUint32(o + 4, p.flags, true);
    v.setBigUint64(o + 8, BigInt(p.offset), true);
    v.setBigUint64(o + 16, BigInt(p.vaddr), true);
    v.setBigUint64(o + 24, BigInt(p.vaddr), true);
    v.setBigUint64(o + 32, BigInt(p.filesz), true);
    v.setBigUint64(o + 40, BigInt(p.filesz), true);
  });
  return buf;
}

/** The same in ELF32 big-endian, to prove the header fields are read per class and byte order. */
function elf32be(phdrs: Phdr[]): Uint8Array {
  const buf = new Uint8Array(52 + 32 * phdrs.length);
  const v = new DataView(buf.buffer);
  buf.set([0x7f, 0x45, 0x4c, 0x46, 1, 2, 1], 0);
  v.setUint32(0x1c, 52); // e_phoff
  v.setUint16(0x2a, 32); // e_phentsize
  v.setUint16(0x2c, phdrs.length);
  phdrs.forEach((p, i) => {
    const o = 52 + i * 32;
    v.setUint32(o, p.type);
    v.setUint32(o + 4, p.offset);
    v.setUint32(o + 8, p.vaddr);
    v.setUint32(o + 16, p.filesz);
    v.setUint32(o + 24, p.flags);
  });
  return buf;
}

const PT_PHDR = 6;
// Layouts copied from `readelf -lW` of binaries gcc 12 built on this host.
const PIE: Phdr[] = [
  { type: PT_PHDR, flags: 4, offset: 0x40, vaddr: 0x40, filesz: 0x2d8 },
  { type: 1, flags: 4, offset: 0, vaddr: 0, filesz: 0x6f8 },
  { type: 1, flags: 5, offset: 0x1000, vaddr: 0x1000, filesz: 0x1dd },
  { type: 1, flags: 4, offset: 0x2000, vaddr: 0x2000, filesz: 0x128 },
  { type: 1, flags: 6, offset: 0x2dd0, vaddr: 0x3dd0, filesz: 0x260 },
];
const NON_PIE: Phdr[] = [
  { type: 1, flags: 4, offset: 0, vaddr: 0x400000, filesz: 0x5d8 },
  { type: 1, flags: 5, offset: 0x1000, vaddr: 0x401000, filesz: 0x1c9 },
  { type: 1, flags: 6, offset: 0x2df8, vaddr: 0x403df8, filesz: 0x238 },
];

describe('ELF program headers', () => {
  it('parses only PT_LOAD entries', () => {
    const segs = loadSegmentsOf(elf64(PIE))!;
    expect(segs).toHaveLength(4);
    expect(segs[1]).toEqual({ offset: 0x1000, vaddr: 0x1000, filesz: 0x1dd, flags: 5 });
  });

  it('converts file offsets of a PIE (vaddr == offset for text, not for data)', () => {
    const segs = loadSegmentsOf(elf64(PIE))!;
    expect(fileOffsetToVaddr(segs, 0x116d)).toBe(0x116d);
    expect(fileOffsetToVaddr(segs, 0x2de0)).toBe(0x3de0);
  });

  it('converts file offsets of a non-PIE executable to its absolute link addresses', () => {
    const segs = loadSegmentsOf(elf64(NON_PIE))!;
    expect(fileOffsetToVaddr(segs, 0x1136)).toBe(0x401136);
    expect(fileOffsetToVaddr(segs, 0x2e00)).toBe(0x403e00);
    expect(fileOffsetToVaddr(segs, 0x1800)).toBeUndefined(); // in no segment's file range
  });

  it('reads ELF32 big-endian too', () => {
    const segs = loadSegmentsOf(elf32be(NON_PIE))!;
    expect(segs).toEqual(NON_PIE.map(({ offset, vaddr, filesz, flags }) => ({ offset, vaddr, filesz, flags })));
  });

  it('rejects what is not ELF', () => {
    expect(parseElfHeader(new TextEncoder().encode('#!/bin/sh\necho not an elf file at all, just a script\n'))).toBeUndefined();
    expect(parseElfHeader(new Uint8Array(10))).toBeUndefined();
  });
});
