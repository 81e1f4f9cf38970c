import type { StackFrame } from '../../../contracts/src/index.js';
import { KernelSymbols } from './kallsyms.js';
import { findMapping } from './maps.js';
import { readProcessView, snapshotMaps, UserSymbolizer, type ProcessView, type UserSymbolizerOptions } from './user.js';

/** Options of {@link Symbolizer}. */
export interface SymbolizerOptions extends UserSymbolizerOptions {
  /**
   * The kernel symbol table, or a function returning it (called on the first kernel lookup).
   * Default: {@link KernelSymbols.shared}, the agent-wide table loaded once from `/proc/kallsyms`.
   */
  kernelSymbols?: KernelSymbols | (() => KernelSymbols);
  /**
   * A shared (agent-wide) user symbolizer. When given, this Symbolizer borrows it and does not close it;
   * when omitted, it creates one with the other options and owns it.
   */
  user?: UserSymbolizer;
}

/**
 * Turns stack addresses from the stack tools into {@link StackFrame}s.
 *
 * One instance serves one symbolization pass at a time: it caches each process's maps from the first
 * lookup of that pid until {@link endPass}, so all stacks of a pass see one consistent view and maps are
 * read once per pid, not once per stack. Snapshots taken with {@link snapshotMaps} are kept until
 * `endPass()` as well.
 *
 * Ownership: owns its {@link UserSymbolizer} (and so its llvm-symbolizer process) unless one was passed
 * in; never owns the kernel table. `close()` / `Symbol.dispose` is idempotent; user lookups after it reject,
 * kernel lookups keep working (they hold no resource).
 */
export class Symbolizer implements Disposable {
  private readonly user: UserSymbolizer;
  private readonly ownsUser: boolean;
  private readonly kernelSource: KernelSymbols | (() => KernelSymbols);
  private kernel: KernelSymbols | undefined;
  private readonly live = new Map<number, ProcessView | undefined>();
  private readonly snapshots = new Map<number, ProcessView>();
  private closed = false;

  constructor(opts: SymbolizerOptions = {}) {
    this.ownsUser = !opts.user;
    this.user = opts.user ?? new UserSymbolizer(opts);
    this.kernelSource = opts.kernelSymbols ?? (() => KernelSymbols.shared());
  }

  /**
   * Resolve kernel addresses with the kallsyms table (see {@link KernelSymbols.lookup} for the frame
   * forms). Synchronous. The first call loads the table; that load's error is thrown (fs error, or
   * `NotSupportedError` when kallsyms addresses are hidden), and retried on the next call.
   */
  symbolizeKernel(addrs: readonly bigint[]): StackFrame[] {
    if (!this.kernel) {
      const src = this.kernelSource;
      this.kernel = typeof src === 'function' ? src() : src;
    }
    const k = this.kernel;
    return addrs.map((a) => k.lookup(a));
  }

  /**
   * Resolve user addresses of process `pid`. Looks each address up in, first, `snapshot` (or the snapshot
   * taken with {@link snapshotMaps} this pass), then the process's live maps (read once per pass). Frame
   * forms as {@link UserSymbolizer.symbolize}: a process that exited without a snapshot yields
   * `{ symbol: '[unknown]', module: '[unknown]', offset: addr }`, never a bare hex address.
   * Rejects only after {@link close}.
   */
  async symbolizeUser(pid: number, addrs: readonly bigint[], snapshot?: ProcessView): Promise<StackFrame[]> {
    if (this.closed) throw new Error('Symbolizer: closed');
    const snap = snapshot ?? this.snapshots.get(pid);
    const live = snap && this.coveredBy(snap, addrs) ? undefined : this.liveView(pid);
    return this.user.symbolize(snap ?? live, addrs, snap ? live : undefined);
  }

  /**
   * Take a snapshot of `pid` now (maps and ELF program headers) and keep it for this pass, so its stacks
   * still resolve after it exits. Call it while the process lives (e.g. on its exit event, or when its
   * first stack is seen). Resolves false when the process was already gone; never rejects.
   */
  async snapshotMaps(pid: number): Promise<boolean> {
    const view = await snapshotMaps(pid);
    if (view) this.snapshots.set(pid, view);
    return view !== undefined;
  }

  /** End the current pass: forget cached maps and snapshots (symbol results stay cached). */
  endPass(): void {
    this.live.clear();
    this.snapshots.clear();
  }

  /** Release the owned user symbolizer (kills llvm-symbolizer) and the pass caches. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.endPass();
    if (this.ownsUser) this.user.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  private liveView(pid: number): ProcessView | undefined {
    if (!this.live.has(pid)) this.live.set(pid, readProcessView(pid));
    return this.live.get(pid);
  }

  /** Whether every address falls in a mapping of `view` (then the live maps need not be read). */
  private coveredBy(view: ProcessView, addrs: readonly bigint[]): boolean {
    return addrs.every((a) => findMapping(view.mappings, Number(a)) !== undefined);
  }
}
