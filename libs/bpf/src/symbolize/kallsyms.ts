import { readFileSync } from 'node:fs';
import type { StackFrame } from '../../../contracts/src/index.js';
import { NotSupportedError } from '../errors.js';

/** The module name given to symbols of the core kernel image (kallsyms lines without a `[module]` column). */
export const KERNEL_MODULE = '[kernel]';
/** The symbol name of a frame whose address could not be resolved. */
export const UNKNOWN_SYMBOL = '[unknown]';

const TWO_32 = 2 ** 32;

/**
 * An immutable, sorted table of kernel text symbols parsed from `/proc/kallsyms` text.
 *
 * Addresses are held as two `Uint32Array`s (high and low halves: kernel addresses do not fit a double),
 * names in one string array and module names interned behind a `Uint16Array`, so ~200k symbols cost
 * a few MB and no object per symbol. Only text symbols (`t T w W`) are kept: stack addresses are code, and
 * data symbols interleaved with code would otherwise steal nearby addresses.
 *
 * Ownership and lifetime: plain memory, nothing to close. The table is a snapshot: modules and BPF
 * programs loaded after it was parsed are not in it ({@link KernelSymbols.shared} with `refresh`).
 */
export class KernelSymbols {
  private constructor(
    private readonly hi: Uint32Array,
    private readonly lo: Uint32Array,
    private readonly names: string[],
    private readonly moduleIndex: Uint16Array,
    private readonly modules: string[],
  ) {}

  /** Number of symbols in the table. */
  get size(): number {
    return this.names.length;
  }

  /**
   * Parse kallsyms text (`<hex addr> <type> <name>[\t[module]]` per line). Lines of other symbol types or
   * malformed lines are skipped. Throws {@link NotSupportedError} when every address is zero, which is
   * what the kernel shows to a reader without CAP_SYSLOG (`kptr_restrict`): symbolizing against it would
   * silently produce garbage.
   */
  static parse(text: string): KernelSymbols {
    // Two passes over the text would double the cost; grow-by-doubling typed arrays instead.
    let cap = 1 << 16;
    let hi = new Uint32Array(cap);
    let lo = new Uint32Array(cap);
    let mod = new Uint16Array(cap);
    const names: string[] = [];
    const modules: string[] = [KERNEL_MODULE];
    const moduleIds = new Map<string, number>([[KERNEL_MODULE, 0]]);
    let n = 0;
    let nonZero = false;
    let pos = 0;
    const len = text.length;
    while (pos < len) {
      let eol = text.indexOf('\n', pos);
      if (eol < 0) eol = len;
      const sp1 = text.indexOf(' ', pos);
      if (sp1 > pos && sp1 + 3 < eol && text.charCodeAt(sp1 + 2) === 32) {
        const type = text.charCodeAt(sp1 + 1) | 0x20; // lower-case: t/T and w/W are both text
        if (type === 0x74 /* t */ || type === 0x77 /* w */) {
          const hexLen = sp1 - pos;
          const h = hexLen > 8 ? parseInt(text.slice(pos, sp1 - 8), 16) : 0;
          const l = parseInt(text.slice(Math.max(pos, sp1 - 8), sp1), 16);
          if (!Number.isNaN(h) && !Number.isNaN(l)) {
            // Search the tab in the line only: an unbounded indexOf would scan to the module section
            // from every core-kernel line, which made parsing quadratic (seconds instead of ms).
            const rest = text.slice(sp1 + 3, eol);
            const tab = rest.indexOf('\t');
            let name: string;
            let m = 0;
            if (tab >= 0) {
              name = rest.slice(0, tab);
              const modName = rest.slice(tab + 1).trim();
              let id = moduleIds.get(modName);
              if (id === undefined) {
                id = modules.length;
                if (id > 0xffff) id = 0; // cannot happen on a real host; stay correct-ish rather than throw
                else {
                  modules.push(modName);
                  moduleIds.set(modName, id);
                }
              }
              m = id;
            } else {
              name = text.slice(sp1 + 3, eol);
            }
            if (n === cap) {
              cap *= 2;
              hi = grow(hi, cap);
              lo = grow(lo, cap);
              mod = grow16(mod, cap);
            }
            hi[n] = h;
            lo[n] = l;
            mod[n] = m;
            names.push(name);
            if (h !== 0 || l !== 0) nonZero = true;
            n++;
          }
        }
      }
      pos = eol + 1;
    }
    if (n > 0 && !nonZero) {
      throw new NotSupportedError(
        'kallsyms',
        '/proc/kallsyms shows only zero addresses (kptr_restrict): the agent needs CAP_SYSLOG (root) to symbolize kernel stacks',
      );
    }
    // The core image is sorted, module symbols are appended per module: sort an index, then permute.
    // Ties keep file order (stable sort), so the first of several aliases at one address wins.
    const order = new Uint32Array(n);
    let sorted = true;
    for (let i = 0; i < n; i++) {
      order[i] = i;
      if (i > 0 && (hi[i] < hi[i - 1] || (hi[i] === hi[i - 1] && lo[i] < lo[i - 1]))) sorted = false;
    }
    if (sorted) return new KernelSymbols(hi.slice(0, n), lo.slice(0, n), names, mod.slice(0, n), modules);
    const idx = Array.from(order).sort((a, b) => hi[a] - hi[b] || lo[a] - lo[b]);
    const sHi = new Uint32Array(n);
    const sLo = new Uint32Array(n);
    const sMod = new Uint16Array(n);
    const sNames = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const j = idx[i];
      sHi[i] = hi[j];
      sLo[i] = lo[j];
      sMod[i] = mod[j];
      sNames[i] = names[j];
    }
    return new KernelSymbols(sHi, sLo, sNames, sMod, modules);
  }

  /**
   * Read and parse a kallsyms file (default `/proc/kallsyms`). Synchronous: it is read once per agent and
   * takes tens of milliseconds. Throws the fs error (e.g. ENOENT) or {@link NotSupportedError}.
   */
  static load(path = '/proc/kallsyms'): KernelSymbols {
    return KernelSymbols.parse(readFileSync(path, 'latin1'));
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
    let b = this.names.length - 1;
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
    return { symbol: this.names[i], module: this.modules[this.moduleIndex[i]], offset };
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
