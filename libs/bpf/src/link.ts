import { type Ptr, libbpf } from './libbpf.js';

/** What a link is attached to, for logs and tests (the kernel side is the same bpf_link either way). */
export interface LinkInfo {
  /** `tracepoint`, `raw_tp`, `uprobe`, `uretprobe`, `usdt`, `perf_event`, `kprobe`, … or the SEC() prefix. */
  kind: string;
  /** Human-readable target: `syscalls/sys_enter_execve`, `/usr/lib/libc.so.6:getppid`, `cpu 3`. */
  target?: string;
  /** The CPU of a per-CPU perf-event link. */
  cpu?: number;
  /**
   * The perf event fd behind a perf-event link. The link owns it: libbpf's bpf_link__destroy disables and
   * closes it, so nobody else may close it.
   */
  perfFd?: number;
}

/**
 * An attachment of a program to a kernel event (bpf_link). Owned by whoever called one of the
 * {@link BpfProgram} attach methods; the probe stays active until {@link close}. `close()` is idempotent
 * and never throws; also released by `using` / DisposableStack. Closing the owning BpfObject closes any
 * link still open. A perf-event link (sampling, and uprobes/kprobes, which libbpf creates through perf
 * events) also owns its perf fd: close() releases the link and the fd together.
 */
export class BpfLink implements Disposable {
  #ptr: Ptr;
  readonly #onClose: (link: BpfLink) => void;

  /** @internal Created by BpfProgram.attach*. */
  constructor(
    ptr: Ptr,
    readonly programName: string,
    onClose: (link: BpfLink) => void,
    readonly info: LinkInfo = { kind: 'auto' },
  ) {
    this.#ptr = ptr;
    this.#onClose = onClose;
  }

  get closed(): boolean {
    return this.#ptr === 0n;
  }

  /** Kernel fd of the link; -1 once closed. */
  get fd(): number {
    return this.#ptr ? libbpf().bpf_link__fd(this.#ptr) : -1;
  }

  /**
   * Detaches the probe (bpf_link__destroy), which for perf-event links also disables and closes the perf
   * fd (libbpf took ownership of it at attach). Idempotent.
   */
  close(): void {
    if (!this.#ptr) return;
    const ptr = this.#ptr;
    this.#ptr = 0n;
    libbpf().bpf_link__destroy(ptr);
    this.#onClose(this);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
