import { resolveBinaryPath } from './binary-path.js';
import { BpfError, NotSupportedError } from './errors.js';
import { BpfLink, type LinkInfo } from './link.js';
import { withLibbpfLog } from './log.js';
import { type Ptr, koffi, libbpf } from './libbpf.js';
import { PERF_COUNT_SW_CPU_CLOCK, PERF_TYPE_SOFTWARE, closeFd, onlineCpus, openPerfEvent } from './perf.js';
import { ensureTracefs, kprobesAvailable } from './tracefs.js';

/** Where a uprobe/uretprobe goes: a function of a binary or shared library. */
export interface UprobeTarget {
  /** A path, a library name (`libc`, `libc.so.6`) or an executable name in $PATH; see resolveBinaryPath. */
  binary: string;
  /**
   * Symbol to probe (libbpf's func_name; `name@LIBVER` accepted). Without it, `offset` is the file offset
   * of the probed instruction (resolved by the caller, e.g. from the ELF symbol table once for many probes).
   */
  func?: string;
  /** Only this process (and resolve `binary` in its mappings); default every process. */
  pid?: number;
  /** Probe the function's return (uretprobe) instead of its entry. */
  retprobe?: boolean;
  /** Byte offset inside `func`, or the file offset when there is no `func`. */
  offset?: number;
  /** Value the program reads with bpf_get_attach_cookie(). */
  cookie?: bigint;
}

/** A USDT probe: `provider:name` in a binary or library (e.g. python3.11's `python:function__entry`). */
export interface UsdtTarget {
  binary: string;
  provider: string;
  name: string;
  pid?: number;
  /** Value the program reads with bpf_usdt_cookie(). */
  cookie?: bigint;
}

export interface PerfSamplingOptions {
  /** Samples per second per CPU (attr.freq = 1, sample_freq = frequency). */
  frequency: number;
  /** CPUs to sample; default every online CPU. */
  cpus?: readonly number[];
  /** perf event type/config; default software cpu-clock (works in VMs without a PMU). */
  type?: number;
  config?: number;
}

/**
 * A program of a {@link BpfObject}, borrowed from it: valid only while the object is open, never closed
 * by itself. Every attach method creates {@link BpfLink}s the caller owns (each also tracked by the
 * object, whose close() closes any still open). Errors: NotSupportedError(feature) when the host lacks
 * what the attach needs (tracefs, kprobes, a PMU event), BpfError(operation, errno, log) otherwise.
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
   * Whether load() loads this program (default true). Set before load, e.g. to skip a kprobe variant on a
   * kernel without kprobes. Throws BpfError('bpf_program__set_autoload') after load.
   */
  setAutoload(autoload: boolean): void {
    this.assertOpen();
    const ret = libbpf().bpf_program__set_autoload(this.ptr, autoload);
    if (ret < 0) throw new BpfError('bpf_program__set_autoload', -ret, this.name);
  }

  /** Runs a libbpf attach call, maps its failure to a typed error, wraps success in a tracked link. */
  #attachWith(operation: string, info: LinkInfo, call: () => Ptr): BpfLink {
    this.assertOpen();
    const { value: ptr, log } = withLibbpfLog(() => {
      const p = call();
      return p ? p : -koffi.errno();
    });
    const what = `${this.name} (${info.kind}${info.target ? ` ${info.target}` : ''})`;
    if (typeof ptr === 'number') {
      const errno = -ptr;
      if (errno === 95 /* EOPNOTSUPP */ || errno === 524 /* ENOTSUPP */) {
        throw new NotSupportedError(info.kind, `kernel cannot attach ${what}: ${log.trim()}`);
      }
      throw new BpfError(operation, errno, what, log);
    }
    const link = new BpfLink(ptr, this.name, this.untrack, info);
    this.track(link);
    return link;
  }

  /**
   * Attaches by the program's SEC() name (`tp/cat/name`, `tp_btf/name`, `raw_tp/name`, `uprobe/…`), like a
   * skeleton's auto-attach. The object must be loaded. `tp/` sections get tracefs mounted first when it is
   * missing (see ensureTracefs); NotSupportedError('tracefs') when it cannot be.
   */
  attach(): BpfLink {
    const sec = this.sectionName;
    const kind = sec.split('/')[0];
    if (/^(tp|tracepoint)\//.test(sec)) ensureTracefs();
    if (/^k(ret)?probe(\.multi)?\//.test(sec) && !kprobesAvailable()) {
      throw new NotSupportedError('kprobe', `${this.name} (${sec}): this kernel has no kprobes`);
    }
    return this.#attachWith('bpf_program__attach', { kind, target: sec.slice(kind.length + 1) }, () => libbpf().bpf_program__attach(this.ptr));
  }

  /**
   * Attaches to a user function's entry (or return, `retprobe`). The binary is resolved to a path first
   * (library names through `pid`'s mappings or the ld.so cache). libbpf finds the symbol in the ELF
   * (.symtab, then .dynsym) and creates the probe through the `uprobe` perf PMU.
   */
  attachUprobe(target: UprobeTarget): BpfLink {
    const binary = resolveBinaryPath(target.binary, target.pid);
    const lib = libbpf();
    const kind = target.retprobe ? 'uretprobe' : 'uprobe';
    const where = target.func ?? `0x${(target.offset ?? 0).toString(16)}`;
    return this.#attachWith('bpf_program__attach_uprobe_opts', { kind, target: `${binary}:${where}` }, () =>
      lib.bpf_program__attach_uprobe_opts(this.ptr, target.pid ?? -1, binary, target.offset ?? 0, {
        sz: lib.sizes.uprobeOpts,
        ref_ctr_offset: 0,
        bpf_cookie: target.cookie ?? 0n,
        retprobe: target.retprobe ?? false,
        func_name: target.func ?? null,
      }),
    );
  }

  /**
   * Attaches to every site of a USDT probe (bpf_program__attach_usdt): libbpf parses the binary's
   * .note.stapsdt, sets the semaphore through the uprobe ref_ctr, and fills the spec maps the program's
   * usdt.bpf.h helpers (bpf_usdt_arg) read. The program must be `SEC("usdt")` built with usdt.bpf.h.
   */
  attachUsdt(target: UsdtTarget): BpfLink {
    const binary = resolveBinaryPath(target.binary, target.pid);
    const lib = libbpf();
    return this.#attachWith('bpf_program__attach_usdt', { kind: 'usdt', target: `${binary}:${target.provider}:${target.name}` }, () =>
      lib.bpf_program__attach_usdt(this.ptr, target.pid ?? -1, binary, target.provider, target.name, {
        sz: lib.sizes.usdtOpts,
        usdt_cookie: target.cookie ?? 0n,
      }),
    );
  }

  /**
   * Attaches to the tracepoint `category:name` (tracefs mounted first when missing, NotSupportedError('tracefs')
   * when it cannot be) with a BPF cookie the program reads with bpf_get_attach_cookie(): one generic
   * program attached to many tracepoints tells them apart (Linux 5.15+).
   */
  attachTracepoint(category: string, name: string, options: { cookie?: bigint } = {}): BpfLink {
    ensureTracefs();
    const lib = libbpf();
    return this.#attachWith('bpf_program__attach_tracepoint_opts', { kind: 'tracepoint', target: `${category}:${name}` }, () =>
      lib.bpf_program__attach_tracepoint_opts(this.ptr, category, name, { sz: lib.sizes.tracepointOpts, bpf_cookie: options.cookie ?? 0n }),
    );
  }

  /**
   * Attaches to an open perf event fd and TAKES OWNERSHIP of it: on success the link closes it when
   * destroyed; on failure it is closed here. Callers never close `pfd` themselves afterwards.
   */
  attachPerfEvent(pfd: number, info: Partial<LinkInfo> = {}): BpfLink {
    try {
      return this.#attachWith('bpf_program__attach_perf_event', { kind: 'perf_event', ...info, perfFd: pfd }, () =>
        libbpf().bpf_program__attach_perf_event(this.ptr, pfd),
      );
    } catch (err) {
      closeFd(pfd);
      throw err;
    }
  }

  /**
   * Samples at `frequency` Hz on every online CPU (or `cpus`): one perf event (software cpu-clock by
   * default, pid -1) and one link per CPU, the link owning its perf fd. All or nothing: if any CPU fails,
   * the links already made are closed before the error is thrown. The caller owns the returned links.
   */
  attachPerfSampling(options: PerfSamplingOptions): BpfLink[] {
    this.assertOpen();
    const links: BpfLink[] = [];
    try {
      for (const cpu of options.cpus ?? onlineCpus()) {
        const pfd = openPerfEvent(
          { type: options.type ?? PERF_TYPE_SOFTWARE, config: options.config ?? PERF_COUNT_SW_CPU_CLOCK, frequency: options.frequency },
          -1,
          cpu,
        );
        links.push(this.attachPerfEvent(pfd, { target: `cpu ${cpu} @ ${options.frequency} Hz`, cpu }));
      }
    } catch (err) {
      for (const l of links.reverse()) l.close();
      throw err;
    }
    return links;
  }

  /**
   * Attaches a kprobe (or kretprobe) to a kernel function. Throws NotSupportedError('kprobe') on a kernel
   * without kprobes (no `kprobe` perf PMU and no tracefs kprobe_events), as on the development VMs.
   */
  attachKprobe(func: string, options: { retprobe?: boolean; offset?: number; cookie?: bigint } = {}): BpfLink {
    const kind = options.retprobe ? 'kretprobe' : 'kprobe';
    if (!kprobesAvailable()) throw new NotSupportedError('kprobe', `${this.name} (${kind} ${func}): this kernel has no kprobes`);
    const lib = libbpf();
    return this.#attachWith('bpf_program__attach_kprobe_opts', { kind, target: func }, () =>
      lib.bpf_program__attach_kprobe_opts(this.ptr, func, {
        sz: lib.sizes.kprobeOpts,
        bpf_cookie: options.cookie ?? 0n,
        offset: options.offset ?? 0,
        retprobe: options.retprobe ?? false,
      }),
    );
  }
}
