import { BpfError, NotSupportedError } from './errors.js';
import { BpfLink } from './link.js';
import { withLibbpfLog } from './log.js';
import { type Ptr, koffi, libbpf } from './libbpf.js';

/**
 * A program of a {@link BpfObject}, borrowed from it: valid only while the object is open, never closed
 * by itself. Attaching creates a {@link BpfLink} the caller owns.
 */
export class BpfProgram {
  /** @internal Created by BpfObject.program(). */
  constructor(
    readonly ptr: Ptr,
    readonly name: string,
    readonly sectionName: string,
    private readonly track: (link: BpfLink) => void,
    private readonly untrack: (link: BpfLink) => void,
    private readonly assertOpen: () => void,
  ) {}

  /** Kernel fd once loaded, negative before. */
  get fd(): number {
    this.assertOpen();
    return libbpf().bpf_program__fd(this.ptr);
  }

  /**
   * Attaches by the program's SEC() name (`tp/cat/name`, `tp_btf/name`, `raw_tp/name`, …), like a
   * skeleton's auto-attach. The object must be loaded. Returns a link the caller owns.
   * Throws NotSupportedError when the host lacks what the section needs (e.g. `tp/` without tracefs),
   * BpfError(operation 'bpf_program__attach') otherwise, with libbpf's log.
   */
  attach(): BpfLink {
    this.assertOpen();
    const lib = libbpf();
    const { value: ptr, log } = withLibbpfLog(() => {
      const p = lib.bpf_program__attach(this.ptr);
      return p ? p : -koffi.errno();
    });
    if (typeof ptr === 'number') {
      const errno = -ptr;
      const sec = this.sectionName;
      if (errno === 2 /* ENOENT */ && /^(tp|tracepoint)\//.test(sec)) {
        throw new NotSupportedError(
          'tracefs',
          `attaching ${this.name} (${sec}) needs tracefs mounted at /sys/kernel/tracing: ${log.trim()}`,
        );
      }
      if (errno === 95 /* EOPNOTSUPP */ || errno === 524 /* ENOTSUPP */) {
        throw new NotSupportedError(sec.split('/')[0], `kernel cannot attach ${this.name} (${sec}): ${log.trim()}`);
      }
      throw new BpfError('bpf_program__attach', errno, `${this.name} (${sec})`, log);
    }
    const link = new BpfLink(ptr, this.name, this.untrack);
    this.track(link);
    return link;
  }
}
