import { closeSync, openSync, readSync } from 'node:fs';
import type { StackFrame } from '../../../contracts/src/index.js';
import { NotSupportedError } from '../errors.js';

/** The module name given to symbols of the core kernel image (kallsyms lines without a `[module]` column). */
export const KERNEL_MODULE = '[kernel]';
/** The symbol name of a frame whose address could not be resolved. */
export const UNKNOWN_SYMBOL = '[unknown]';

const TWO_32 = 2 ** 32;
const NL = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
const READ_CHUNK = 256 * 1024;

/** Names of the table, in table order: latin1 bytes back to back, name i at [offsets[i], offsets[i + 1]). */
interface NameTable {
  bytes: Buffer;
  offsets: Uint32Array;
}

/**
 * An immutable, sorted table of kernel text symbols parsed from `/proc/kallsyms`.
 *
 * Addresses are held as two `Uint32Array`s (high and low halves: kernel addresses do not fit a double),
 * names as one byte buffer with offsets (a JS string per symbol, or substrings of the file's text, cost
 * ~25 MB of agent memory for ~120k symbols; the bytes cost ~3 MB) and module names interned behind a
 * `Uint16Array`: no object per symbol. Only text symbols (`t T w W`) are kept: stack addresses are code,
 * and data symbols interleaved with code would otherwise steal nearby addresses.
 *
 * Ownership and lifetime: plain memory, nothing to close. The table is a snapshot: modules and BPF
 * programs loaded after it was parsed are not in it ({@link KernelSymbols.shared} with `refresh`).
 */
export class KernelSymbols {
  /** @internal Built by {@link KernelSymbols.parse} / {@link KernelSymbols.load}. */
  constructor(
    private readonly hi: Uint32Array,
    private readonly lo: Uint32Array,
    private readonly names: NameTable,
    private readonly moduleIndex: Uint16Array,
    private readonly modules: string[],
  ) {}

  /** Number of symbols in the table. */
  get size(): number {
    return this.hi.length;
  }

  /**
   * Parse kallsyms text (`<hex addr> <type> <name>[\t[module]]` per line), as a string or the file's bytes.
   * Lines of other symbol types or malformed lines are skipped. Throws {@link NotSupportedError} when every
   * address is zero, which is what the kernel shows to a reader without CAP_SYSLOG (`kptr_restrict`):
   * symbolizing against it would silently produce garbage.
   */
  static parse(input: string | Buffer): KernelSymbols {
    const builder = new TableBuilder();
    const text = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
    builder.addLines(text, 0, text.length);
    return builder.build();
  }

  /**
   * Read and parse a kallsyms file (default `/proc/kallsyms`). Synchronous: it is read once per agent and
   * takes tens of milliseconds. Throws the fs error (e.g. ENOENT) or {@link NotSupportedError}.
   */
  static load(path = '/proc/kallsyms'): KernelSymbols {
    // In chunks: /proc files report size 0, so a whole-file read grows its buffer by doubling (~16 MB of
    // agent memory for a 5 MB kallsyms); a line cut at a chunk's end is carried to the next read.
    const fd = openSync(path, 'r');
    try {
      const builder = new TableBuilder();
      const chunk = Buffer.allocUnsafe(READ_CHUNK);
      let filled = 0;
      for (;;) {
        const got = readSync(fd, chunk, filled, chunk.length - filled, null);
        const end = filled + got;
        const cut = got === 0 ? end : chunk.lastIndexOf(NL, end - 1) + 1;
        if (cut === 0 && end === chunk.length) throw new Error(`${path}: a line longer than ${READ_CHUNK} bytes`);
        builder.addLines(chunk, 0, cut);
        chunk.copy(chunk, 0, cut, end);
        filled = end - cut;
        if (got === 0) return builder.build();
      }
    } finally {
      closeSync(fd);
    }
  }

  /**
   * The agent-wide table, loaded from `/proc/kallsyms` on first use and kept for the process lifetime.
   * Pass `refresh: true` to re-read it (e.g. when a run wants symbols of modules or BPF programs loaded
   * since). Errors as {@link KernelSymbols.load}; a failed load is not cached.
   */
  static shared(refresh = false): KernelSymbols {
    if (refresh || !shared) shared = KernelSymbols.load();
    return shared;
  }

  /**
   * Index of the symbol with the greatest address ≤ `addr` (the first of its aliases), or -1 when `addr` is below the first symbol.
   * Binary search on the (hi, lo) pair; no allocation.
   */
  indexOf(addr: bigint): number {
    const h = Number((addr >> 32n) & 0xffffffffn);
    const l = Number(addr & 0xffffffffn);
    let a = 0;
    let b = this.hi.length - 1;
    let found = -1;
    while (a <= b) {
      const mid = (a + b) >>> 1;
      const mh = this.hi[mid];
      if (mh < h || (mh === h && this.lo[mid] <= l)) {
        found = mid;
        a = mid + 1;
      } else {
        b = mid - 1;
      }
    }
    // Several aliases can share an address: report the first in file order (the stable sort kept it first).
    while (found > 0 && this.hi[found - 1] === this.hi[found] && this.lo[found - 1] === this.lo[found]) found--;
    return found;
  }

  /** Name strings made so far, by index: a hot symbol (`__schedule`) is one string in every frame naming it. */
  readonly #nameStrings = new Map<number, string>();

  /** Name of the symbol at `index`. */
  nameAt(index: number): string {
    let name = this.#nameStrings.get(index);
    if (name === undefined) {
      const { bytes, offsets } = this.names;
      name = bytes.toString('latin1', offsets[index], offsets[index + 1]);
      this.#nameStrings.set(index, name);
    }
    return name;
  }

  /** Address of the symbol at `index` (from {@link indexOf}). */
  addressAt(index: number): bigint {
    return (BigInt(this.hi[index]) << 32n) | BigInt(this.lo[index]);
  }

  /**
   * Resolve one kernel address: `{ symbol, module: '[kernel]' | '[ext4]' | '[bpf]' …, offset }`, offset being
   * `addr` minus the symbol's address. Below the first symbol: `{ symbol: '[unknown]', module: '[kernel]' }`
   * with no offset (a 64-bit kernel address does not fit a JS number exactly). Never throws.
   */
  lookup(addr: bigint): StackFrame {
    const i = this.indexOf(addr);
    if (i < 0) return { symbol: UNKNOWN_SYMBOL, module: KERNEL_MODULE };
    const h = Number((addr >> 32n) & 0xffffffffn);
    const l = Number(addr & 0xffffffffn);
    const offset = (h - this.hi[i]) * TWO_32 + (l - this.lo[i]);
    return { symbol: this.nameAt(i), module: this.modules[this.moduleIndex[i]!], offset };
  }
}

/**
 * Accumulates kallsyms lines into the arrays of a {@link KernelSymbols}: one pass over the bytes, typed
 * arrays grown by doubling, names copied out of the (reused) input as they come, sorted once at the end.
 */
class TableBuilder {
  #cap = 1 << 16;
  #hi = new Uint32Array(this.#cap);
  #lo = new Uint32Array(this.#cap);
  #mod = new Uint16Array(this.#cap);
  #nameStart = new Uint32Array(this.#cap + 1); // + 1: the end of the last name
  #names = Buffer.allocUnsafe(1 << 20);
  #namesEnd = 0;
  readonly #modules: string[] = [KERNEL_MODULE];
  readonly #moduleIds = new Map<string, number>([[KERNEL_MODULE, 0]]);
  #n = 0;
  #nonZero = false;

  /** Adds the lines of text[from, to), which must end at a line end (or the end of the file). */
  addLines(text: Buffer, from: number, to: number): void {
    let pos = from;
    while (pos < to) {
      let eol = text.indexOf(NL, pos);
      if (eol < 0 || eol > to) eol = to;
      const sp1 = text.indexOf(SPACE, pos);
      if (sp1 > pos && sp1 + 3 < eol && text[sp1 + 2] === SPACE) {
        const type = text[sp1 + 1]! | 0x20; // lower-case: t/T and w/W are both text
        if (type === 0x74 /* t */ || type === 0x77 /* w */) {
          const h = sp1 - pos > 8 ? parseHex(text, pos, sp1 - 8) : 0;
          const l = parseHex(text, Math.max(pos, sp1 - 8), sp1);
          if (!Number.isNaN(h) && !Number.isNaN(l)) this.#add(text, h, l, sp1 + 3, eol);
        }
      }
      pos = eol + 1;
    }
  }

  /** One symbol: its address, and its name (then maybe a tab and `[module]`) at text[from, eol). */
  #add(text: Buffer, h: number, l: number, from: number, eol: number): void {
    // The tab is searched in the line only: a search to the next tab anywhere would scan from every
    // core-kernel line to the module section, which makes parsing quadratic (seconds instead of ms).
    let tab = from;
    while (tab < eol && text[tab] !== TAB) tab++;
    const n = this.#n;
    if (n === this.#cap) {
      this.#cap *= 2;
      this.#hi = grow(this.#hi, this.#cap);
      this.#lo = grow(this.#lo, this.#cap);
      this.#mod = grow16(this.#mod, this.#cap);
      this.#nameStart = grow(this.#nameStart, this.#cap + 1);
    }
    this.#hi[n] = h;
    this.#lo[n] = l;
    this.#mod[n] = tab < eol ? this.#moduleId(text.toString('latin1', tab + 1, eol).trim()) : 0;
    if (this.#namesEnd + (tab - from) > this.#names.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.#names.length, this.#namesEnd + (tab - from)));
      this.#names.copy(bigger, 0, 0, this.#namesEnd);
      this.#names = bigger;
    }
    this.#nameStart[n] = this.#namesEnd;
    this.#namesEnd += text.copy(this.#names, this.#namesEnd, from, tab);
    if (h !== 0 || l !== 0) this.#nonZero = true;
    this.#n = n + 1;
  }

  #moduleId(name: string): number {
    let id = this.#moduleIds.get(name);
    if (id === undefined) {
      id = this.#modules.length;
      if (id > 0xffff) return 0; // cannot happen on a real host; stay correct-ish rather than throw
      this.#modules.push(name);
      this.#moduleIds.set(name, id);
    }
    return id;
  }

  build(): KernelSymbols {
    const n = this.#n;
    const hi = this.#hi;
    const lo = this.#lo;
    if (n > 0 && !this.#nonZero) {
      throw new NotSupportedError(
        'kallsyms',
        '/proc/kallsyms shows only zero addresses (kptr_restrict): the agent needs CAP_SYSLOG (root) to symbolize kernel stacks',
      );
    }
    this.#nameStart[n] = this.#namesEnd;
    // The core image is sorted, module symbols are appended per module: sort an index, then permute.
    // Ties keep file order (stable sort), so the first of several aliases at one address wins.
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) if (hi[i]! < hi[i - 1]! || (hi[i] === hi[i - 1] && lo[i]! < lo[i - 1]!)) sorted = false;
    const order = Array.from({ length: n }, (_, i) => i);
    if (!sorted) order.sort((a, b) => hi[a]! - hi[b]! || lo[a]! - lo[b]!);
    const sHi = new Uint32Array(n);
    const sLo = new Uint32Array(n);
    const sMod = new Uint16Array(n);
    const offsets = new Uint32Array(n + 1);
    const names = Buffer.allocUnsafe(this.#namesEnd);
    let at = 0;
    order.forEach((j, i) => {
      sHi[i] = hi[j]!;
      sLo[i] = lo[j]!;
      sMod[i] = this.#mod[j]!;
      offsets[i] = at;
      at += this.#names.copy(names, at, this.#nameStart[j]!, this.#nameStart[j + 1]!);
    });
    offsets[n] = at;
    return new KernelSymbols(sHi, sLo, { bytes: names, offsets }, sMod, this.#modules);
  }
}

let shared: KernelSymbols | undefined;

function grow(a: Uint32Array, cap: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(cap);
  b.set(a);
  return b;
}

function grow16(a: Uint16Array, cap: number): Uint16Array<ArrayBuffer> {
  const b = new Uint16Array(cap);
  b.set(a);
  return b;
}

/** The value of the hex digits text[from, to) (at most 8: a u32), or NaN if one is not a hex digit. */
function parseHex(text: Buffer, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = text[i]! | 0x20; // lower-case letters; digits are unchanged
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (d < 0) return NaN;
    v = v * 16 + d;
  }
  return v;
}
