import { type Ptr, libbpf } from './libbpf.js';

/**
 * An attachment of a program to a kernel event (bpf_link). Owned by whoever called
 * {@link BpfProgram.attach}; the probe stays active until {@link close}. `close()` is idempotent and
 * never throws; also released by `using` / DisposableStack. Closing the owning BpfObject closes any link
 * still open.
 */
export class BpfLink implements Disposable {
  #ptr: Ptr;
  readonly #onClose: (link: BpfLink) => void;

  /** @internal Created by BpfProgram.attach*. */
  constructor(ptr: Ptr, readonly programName: string, onClose: (link: BpfLink) => void) {
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

  /** Detaches the probe (bpf_link__destroy). Idempotent. */
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
