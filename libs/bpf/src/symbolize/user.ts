import type { StackFrame } from '../../../contracts/src/index.js';
import { functionStartAt, readElfFunctionRanges, type ElfFunctionRange } from '../elf-symbols.js';
import { fileOffsetToVaddr, readLoadSegments, type LoadSegment } from './elf.js';
import { UNKNOWN_SYMBOL } from './kallsyms.js';
import { LlvmSymbolizerProcess, type LlvmSymbolizerOptions, type ResolvedSymbol } from './llvm-symbolizer.js';
import { findMapping, isFileBacked, readProcessMaps, rootPrefix, type Mapping } from './maps.js';

/** Module name of a user frame whose address is in no known mapping (process gone, no snapshot). */
export const UNKNOWN_MODULE = '[unknown]';
/** Module name of an executable anonymous mapping (JIT code). */
export const ANON_MODULE = '[anon]';

/**
 * The executable mappings of one process, read at one moment, plus what is needed to resolve them later:
 * the path prefix that opens the process's files from the agent, and the ELF load segments of its files.
 *
 * A live read ({@link readProcessView}) fills `segments` lazily; a {@link snapshotMaps} fills it eagerly
 * so addresses still convert to ELF virtual addresses after the process and its mount namespace are gone.
 * Plain data: nothing to close.
 */
export interface ProcessView {
  pid: number;
  mappings: Mapping[];
  /** '' (same mount namespace), `/proc/PID/root`, or undefined when the process was already gone. */
  root: string | undefined;
  /** Load segments per file identity (see {@link fileIdentity}); undefined value = not an ELF / unreadable. */
  segments: Map<string, LoadSegment[] | undefined>;
}

/** Identity of a mapped file across processes and mount namespaces: `dev:inode` from maps. */
export function fileIdentity(m: Mapping): string {
  return `${m.dev}:${m.inode}`;
}

/** Read a process's maps now, without touching its ELF files. Undefined when it is gone; never throws. */
export function readProcessView(pid: number): ProcessView | undefined {
  const mappings = readProcessMaps(pid);
  if (!mappings) return undefined;
  return { pid, mappings, root: rootPrefix(pid), segments: new Map() };
}

/**
 * Snapshot a process while it is alive: its executable mappings and the ELF program headers of every
 * mapped file, so its stacks can be turned into module + ELF address (and, where the files are still
 * reachable, symbols) after it exits. Resolves undefined when the process is already gone; never rejects
 * (an unreadable file just has no segments). Costs one maps read and two small reads per mapped file.
 */
export async function snapshotMaps(pid: number): Promise<ProcessView | undefined> {
  const view = readProcessView(pid);
  if (!view) return undefined;
  await Promise.all(
    view.mappings.filter(isFileBacked).map(async (m) => {
      const id = fileIdentity(m);
      if (view.segments.has(id)) return;
      view.segments.set(id, undefined);
      view.segments.set(id, await readLoadSegments(openPath(view, m)).catch(() => undefined));
    }),
  );
  return view;
}

/** The path that opens mapping `m`'s file from the agent. */
function openPath(view: ProcessView, m: Mapping): string {
  // An unlinked or replaced file is only reachable through the mapping itself, while the process lives.
  if (m.deleted) return `/proc/${view.pid}/map_files/${m.start.toString(16)}-${m.end.toString(16)}`;
  return `${view.root ?? ''}${m.path}`;
}

/** Options of {@link UserSymbolizer}. */
export interface UserSymbolizerOptions {
  /** Options of the llvm-symbolizer process it owns. */
  llvmSymbolizer?: LlvmSymbolizerOptions;
  /** Entries of the (file, address) → symbol cache before it is cleared (default 200 000). */
  maxCacheEntries?: number;
  /** Called with a line of text for each problem worth logging. */
  onWarning?: (message: string) => void;
}

/**
 * Resolves user-space addresses of processes to `{ symbol, module, offset }` frames: address → mapping
 * (maps) → file offset → ELF virtual address (program headers) → function (llvm-symbolizer).
 *
 * Ownership: owns one long-lived {@link LlvmSymbolizerProcess} and caches of ELF load segments and of
 * results per (file identity, ELF address); meant to be one per agent and shared by runs. `close()` is
 * idempotent and kills the process; calls after it reject. Per-address failures never throw: they
 * degrade to `[unknown]` with the module and an offset (see {@link symbolize}).
 */
export class UserSymbolizer implements Disposable {
  private readonly llvm: LlvmSymbolizerProcess;
  private readonly results = new Map<string, ResolvedSymbol | Promise<ResolvedSymbol>>();
  private readonly segments = new Map<string, Promise<LoadSegment[] | undefined>>();
  private readonly maxCacheEntries: number;
  private closed = false;

  constructor(opts: UserSymbolizerOptions = {}) {
    this.llvm = new LlvmSymbolizerProcess({ onWarning: opts.onWarning, ...opts.llvmSymbolizer });
    this.maxCacheEntries = opts.maxCacheEntries ?? 200_000;
  }

  /**
   * Symbolize `addrs` of a process, looking each one up first in `primary` then in `fallback` (e.g. a
   * snapshot taken while it lived, then its live maps). Frames, in order:
   * - resolved: `{ symbol, module: path as the process sees it, offset: addr - symbol start }`;
   * - file mapping without a symbol: `{ symbol: '[unknown]', module: path, offset: ELF virtual address }`;
   * - `[vdso]` / anonymous mapping: `{ symbol: '[unknown]', module: '[vdso]' | '[anon]', offset: addr - start }`;
   * - in no mapping: `{ symbol: '[unknown]', module: '[unknown]', offset: addr }`.
   * Rejects only after {@link close}.
   */
  async symbolize(
    primary: ProcessView | undefined,
    addrs: readonly bigint[],
    fallback?: ProcessView,
  ): Promise<StackFrame[]> {
    if (this.closed) throw new Error('UserSymbolizer: closed');
    const frames = new Array<StackFrame>(addrs.length);
    const todo: { i: number; key: string; object: string; vaddr: number; module: string }[] = [];
    for (let i = 0; i < addrs.length; i++) {
      const addr = Number(addrs[i]);
      let view = primary;
      let m = primary && Number.isSafeInteger(addr) ? findMapping(primary.mappings, addr) : undefined;
      if (!m && fallback && Number.isSafeInteger(addr)) {
        view = fallback;
        m = findMapping(fallback.mappings, addr);
      }
      if (!m || !view) {
        frames[i] = { symbol: UNKNOWN_SYMBOL, module: UNKNOWN_MODULE, offset: addr };
        continue;
      }
      if (!isFileBacked(m)) {
        frames[i] = { symbol: UNKNOWN_SYMBOL, module: m.path || ANON_MODULE, offset: addr - m.start };
        continue;
      }
      const fileOffset = addr - m.start + m.offset;
      const id = fileIdentity(m);
      const object = openPath(view, m);
      const segs = await this.segmentsOf(view, id, object);
      // Without program headers (file gone, not snapshotted) the file offset is the best address we have;
      // it equals the ELF address for most shared libraries, whose text segment has p_vaddr == p_offset.
      const vaddr = (segs && fileOffsetToVaddr(segs, fileOffset)) ?? fileOffset;
      todo.push({ i, key: `${id}@${vaddr}`, object, vaddr, module: m.path });
    }
    if (todo.length) await this.resolveInto(todo, frames);
    return frames;
  }

  private segmentsOf(view: ProcessView, id: string, object: string): Promise<LoadSegment[] | undefined> | LoadSegment[] | undefined {
    if (view.segments.has(id)) return view.segments.get(id);
    let p = this.segments.get(id);
    if (!p) {
      p = readLoadSegments(object).catch(() => undefined);
      this.segments.set(id, p);
      // A failed read (file not reachable from this view) must not poison other views of the same file.
      void p.then((s) => {
        if (!s && this.segments.get(id) === p) this.segments.delete(id);
      });
    }
    return p;
  }

  private async resolveInto(
    todo: { i: number; key: string; object: string; vaddr: number; module: string }[],
    frames: StackFrame[],
  ): Promise<void> {
    const ask: { object: string; address: number; key: string; settle: (r: ResolvedSymbol) => void }[] = [];
    const asked = new Map<string, Promise<ResolvedSymbol>>();
    const waits: (ResolvedSymbol | Promise<ResolvedSymbol>)[] = [];
    for (const t of todo) {
      const cached = this.results.get(t.key) ?? asked.get(t.key);
      if (cached) {
        waits.push(cached);
        continue;
      }
      let settle!: (r: ResolvedSymbol) => void;
      const p = new Promise<ResolvedSymbol>((resolve) => (settle = resolve));
      asked.set(t.key, p);
      ask.push({ object: t.object, address: t.vaddr, key: t.key, settle });
      waits.push(p);
    }
    if (this.results.size + ask.length > this.maxCacheEntries) this.results.clear();
    for (const [key, p] of asked) this.results.set(key, p);
    if (ask.length) {
      let answers: ResolvedSymbol[];
      try {
        answers = await this.llvm.resolve(ask);
      } catch {
        // llvm-symbolizer died or is missing: module + ELF address is still a useful frame; retry next time.
        answers = ask.map(() => ({ error: 'llvm-symbolizer unavailable' }));
      }
      ask.forEach((a, j) => {
        const r = answers[j];
        if (r.error) this.results.delete(a.key);
        else this.results.set(a.key, r);
        a.settle(r);
      });
    }
    const resolved = await Promise.all(waits);
    todo.forEach((t, j) => {
      const r = resolved[j];
      // llvm-symbolizer names some DWARF functions without their start: the symbol table has it.
      const start = r.start !== undefined && r.start <= t.vaddr ? r.start : r.name ? this.functionStart(t.object, t.vaddr) : undefined;
      frames[t.i] = r.name
        ? start !== undefined
          ? { symbol: r.name, module: t.module, offset: t.vaddr - start }
          : { symbol: r.name, module: t.module }
        : { symbol: UNKNOWN_SYMBOL, module: t.module, offset: t.vaddr };
    });
  }

  /** Function ranges of each object file asked about (undefined: not readable as ELF). */
  private readonly functionRanges = new Map<string, ElfFunctionRange[] | undefined>();

  private functionStart(object: string, vaddr: number): number | undefined {
    if (!this.functionRanges.has(object)) {
      let ranges: ElfFunctionRange[] | undefined;
      try {
        ranges = readElfFunctionRanges(object);
      } catch {
        ranges = undefined; // gone, unreadable, not ELF: the frame keeps its name without an offset
      }
      this.functionRanges.set(object, ranges);
    }
    const ranges = this.functionRanges.get(object);
    return ranges && functionStartAt(ranges, vaddr);
  }

  /** Kill the llvm-symbolizer process and drop the caches. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.llvm.close();
    this.results.clear();
    this.functionRanges.clear();
    this.segments.clear();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
