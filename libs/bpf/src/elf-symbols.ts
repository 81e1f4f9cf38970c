import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ELF_HEADER_SIZE, parseElfHeader } from './symbolize/elf.js';

/** A function defined in an ELF file, where a uprobe on it goes. */
export interface ElfFunction {
  name: string;
  /** File offset of its first instruction: what the kernel's uprobe takes (libbpf's func_offset without func_name). */
  offset: number;
  /** An STT_GNU_IFUNC: its address is the resolver's, which picks the implementation at load time. */
  ifunc: boolean;
}

/** A USDT probe of a `.note.stapsdt` section. */
export interface UsdtNote {
  provider: string;
  name: string;
}

/** The file at `path` is not an ELF object (a script, a text file, a directory): no probe can go there. */
export class NotElfError extends Error {
  override readonly name = 'NotElfError';
  constructor(readonly path: string) {
    super(`not an ELF file: ${path}`);
  }
}

const SHT_SYMTAB = 2;
const SHT_NOTE = 7;
const SHT_DYNSYM = 11;
const STT_FUNC = 2;
const STT_GNU_IFUNC = 10;
const SHN_UNDEF = 0;
const SHN_LORESERVE = 0xff00;
const NT_STAPSDT = 3;

interface Section {
  name: string;
  type: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
}

/**
 * An ELF file open for a few positioned reads: only the section headers and the sections asked for are
 * read, so a large binary costs its symbol tables, not its size.
 */
class ElfFile implements Disposable {
  readonly is64: boolean;
  readonly le: boolean;
  readonly sections: Section[];
  readonly #fd: number;

  constructor(readonly path: string) {
    this.#fd = openSync(path, 'r');
    try {
      if (!fstatSync(this.#fd).isFile()) throw new NotElfError(path);
      const head = this.read(0, ELF_HEADER_SIZE);
      const ident = parseElfHeader(head);
      if (!ident) throw new NotElfError(path);
      this.is64 = ident.is64;
      this.le = ident.le;
      this.sections = this.#readSections(head);
    } catch (err) {
      closeSync(this.#fd);
      throw err;
    }
  }

  [Symbol.dispose](): void {
    closeSync(this.#fd);
  }

  read(offset: number, length: number): Buffer {
    const buf = Buffer.alloc(length);
    return buf.subarray(0, readSync(this.#fd, buf, 0, length, offset));
  }

  u16 = (b: Buffer, o: number) => (this.le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  u32 = (b: Buffer, o: number) => (this.le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  addr = (b: Buffer, o: number) => (this.is64 ? Number(this.le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : this.u32(b, o));

  #readSections(head: Buffer): Section[] {
    const [shoff, entsize, count, strndx] = this.is64
      ? [this.addr(head, 0x28), this.u16(head, 0x3a), this.u16(head, 0x3c), this.u16(head, 0x3e)]
      : [this.u32(head, 0x20), this.u16(head, 0x2e), this.u16(head, 0x30), this.u16(head, 0x32)];
    if (!shoff || !count || entsize < (this.is64 ? 64 : 40)) return [];
    const table = this.read(shoff, entsize * count);
    const raw = [];
    for (let i = 0; (i + 1) * entsize <= table.length; i++) {
      const o = i * entsize;
      raw.push(
        this.is64
          ? { nameOff: this.u32(table, o), type: this.u32(table, o + 4), addr: this.addr(table, o + 16), offset: this.addr(table, o + 24), size: this.addr(table, o + 32), link: this.u32(table, o + 40) }
          : { nameOff: this.u32(table, o), type: this.u32(table, o + 4), addr: this.u32(table, o + 12), offset: this.u32(table, o + 16), size: this.u32(table, o + 20), link: this.u32(table, o + 24) },
      );
    }
    const names = raw[strndx] ? this.read(raw[strndx].offset, raw[strndx].size) : Buffer.alloc(0);
    return raw.map(({ nameOff, ...s }) => ({ ...s, name: cString(names, nameOff) }));
  }
}

function cString(buf: Buffer, offset: number): string {
  const end = buf.indexOf(0, offset);
  return offset < buf.length ? buf.toString('latin1', offset, end < 0 ? buf.length : end) : '';
}

/**
 * The functions an ELF file defines, from `.symtab` then `.dynsym` (a stripped library keeps only the
 * latter), each name once (the first table's entry wins), with the file offset a uprobe takes. Throws
 * NotElfError when `path` is not ELF, and the fs error when it cannot be read.
 */
export function readElfFunctions(path: string): ElfFunction[] {
  using elf = new ElfFile(path);
  const byName = new Map<string, ElfFunction>();
  for (const type of [SHT_SYMTAB, SHT_DYNSYM]) {
    for (const table of elf.sections.filter((s) => s.type === type)) {
      const strings = elf.sections[table.link];
      if (!strings) continue;
      const names = elf.read(strings.offset, strings.size);
      const syms = elf.read(table.offset, table.size);
      const size = elf.is64 ? 24 : 16;
      for (let o = 0; o + size <= syms.length; o += size) {
        const info = syms[o + (elf.is64 ? 4 : 12)];
        const shndx = elf.u16(syms, o + (elf.is64 ? 6 : 14));
        const value = elf.is64 ? elf.addr(syms, o + 8) : elf.u32(syms, o + 4);
        const kind = info & 0xf;
        if ((kind !== STT_FUNC && kind !== STT_GNU_IFUNC) || shndx === SHN_UNDEF || shndx >= SHN_LORESERVE || !value) continue;
        const section = elf.sections[shndx];
        const name = cString(names, elf.u32(syms, o));
        if (!section || !name || byName.has(name)) continue;
        byName.set(name, { name, offset: value - section.addr + section.offset, ifunc: kind === STT_GNU_IFUNC });
      }
    }
  }
  return [...byName.values()];
}

/** Where a function of an ELF file lies, in ELF virtual addresses: [start, end). */
export interface ElfFunctionRange {
  start: number;
  end: number;
}

/**
 * The address ranges of the functions an ELF file defines (`.symtab` and `.dynsym`, sized symbols only),
 * sorted by start: a symbolizer that knows a frame's function but not where it starts (llvm-symbolizer
 * gives no start for some DWARF subprograms) finds it here. Throws NotElfError / the fs error.
 */
export function readElfFunctionRanges(path: string): ElfFunctionRange[] {
  using elf = new ElfFile(path);
  const ranges: ElfFunctionRange[] = [];
  for (const table of elf.sections.filter((s) => s.type === SHT_SYMTAB || s.type === SHT_DYNSYM)) {
    const syms = elf.read(table.offset, table.size);
    const size = elf.is64 ? 24 : 16;
    for (let o = 0; o + size <= syms.length; o += size) {
      const kind = syms[o + (elf.is64 ? 4 : 12)]! & 0xf;
      const shndx = elf.u16(syms, o + (elf.is64 ? 6 : 14));
      const start = elf.is64 ? elf.addr(syms, o + 8) : elf.u32(syms, o + 4);
      const length = elf.is64 ? elf.addr(syms, o + 16) : elf.u32(syms, o + 8);
      if ((kind !== STT_FUNC && kind !== STT_GNU_IFUNC) || shndx === SHN_UNDEF || shndx >= SHN_LORESERVE || !start || !length) continue;
      ranges.push({ start, end: start + length });
    }
  }
  return ranges.sort((a, b) => a.start - b.start || b.end - a.end);
}

/** The start of the function of `ranges` (sorted) that holds `vaddr`, or undefined. */
export function functionStartAt(ranges: readonly ElfFunctionRange[], vaddr: number): number | undefined {
  let lo = 0;
  let hi = ranges.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (ranges[mid]!.start <= vaddr) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // Ranges may nest or overlap (aliases, local parts): walk back to one that holds the address.
  for (let i = found; i >= 0 && i > found - 8; i--) if (vaddr < ranges[i]!.end) return ranges[i]!.start;
  return undefined;
}

/** The USDT probes of an ELF file (its `.note.stapsdt` notes), each provider:name once. Throws NotElfError. */
export function readUsdtProbes(path: string): UsdtNote[] {
  using elf = new ElfFile(path);
  const seen = new Map<string, UsdtNote>();
  for (const section of elf.sections.filter((s) => s.type === SHT_NOTE && s.name === '.note.stapsdt')) {
    const notes = elf.read(section.offset, section.size);
    const align4 = (n: number) => (n + 3) & ~3;
    for (let o = 0; o + 12 <= notes.length; ) {
      const namesz = elf.u32(notes, o);
      const descsz = elf.u32(notes, o + 4);
      const type = elf.u32(notes, o + 8);
      const desc = o + 12 + align4(namesz);
      if (type === NT_STAPSDT && cString(notes, o + 12) === 'stapsdt') {
        // pc, base and semaphore addresses, then provider\0 name\0 args\0.
        const provider = cString(notes, desc + 3 * (elf.is64 ? 8 : 4));
        const name = cString(notes, desc + 3 * (elf.is64 ? 8 : 4) + provider.length + 1);
        seen.set(`${provider}:${name}`, { provider, name });
      }
      o = desc + align4(descsz);
    }
  }
  return [...seen.values()];
}

