import { sectionVars, type SectionVar } from './btf.js';
import { BpfError, NotSupportedError } from './errors.js';
import type { BpfLink } from './link.js';
import { withLibbpfLog } from './log.js';
import { type Ptr, koffi, libbpf } from './libbpf.js';
import { BpfMap } from './map.js';
import { minimizedBtf } from './min-btf.js';
import { BpfProgram } from './program.js';

/** A value for a `const volatile` global: integers (number/bigint/boolean), strings for char arrays, raw bytes. */
export type RodataValue = number | bigint | boolean | string | Buffer;

/**
 * A BPF ELF object (bpf_object): open → set read-only config → load → attach programs → read maps.
 * The caller owns it and must {@link close} it (idempotent; also `using` / DisposableStack). Programs
 * and maps obtained from it are borrowed and die with it; links it created and that are still open are
 * closed first by close(). Errors: BpfError with operation, errno and libbpf's log (a verifier rejection
 * appears in the message).
 */
export class BpfObject implements Disposable {
  #ptr: Ptr;
  #loaded = false;
  readonly #links = new Set<BpfLink>();
  readonly #programs = new Map<string, BpfProgram>();
  readonly #maps = new Map<string, BpfMap>();

  private constructor(
    ptr: Ptr,
    readonly path: string,
  ) {
    this.#ptr = ptr;
  }

  /**
   * Opens (parses, does not load) an object file. Throws BpfError('bpf_object__open_file') with errno.
   * `minimizedBtf: true` relocates CO-RE against a per-object minimized copy of the kernel's BTF (see
   * {@link minimizedBtf}: made once per kernel and object, cached on disk) instead of making libbpf read
   * and parse all of vmlinux BTF at load; when it cannot be made (no bpftool) the object opens normally.
   */
  static open(path: string, options: { minimizedBtf?: boolean } = {}): BpfObject {
    const lib = libbpf();
    const custom = options.minimizedBtf ? minimizedBtf(path) : undefined;
    const { value, log } = withLibbpfLog(() => {
      const p = lib.bpf_object__open_file(path, custom ? { sz: lib.sizes.openOpts, btf_custom_path: custom } : null);
      return p ? p : -koffi.errno();
    });
    if (typeof value === 'number') throw new BpfError('bpf_object__open_file', -value, path, log);
    const obj = new BpfObject(value, path);
    obj.#btfCustomPath = custom;
    return obj;
  }

  #btfCustomPath: string | undefined;
  /** The minimized BTF this object relocates against, if it was opened with one. */
  get btfCustomPath(): string | undefined {
    return this.#btfCustomPath;
  }

  get loaded(): boolean {
    return this.#loaded;
  }
  get closed(): boolean {
    return this.#ptr === 0n;
  }

  #assertOpen = (): void => {
    if (!this.#ptr) throw new Error(`BPF object ${this.path} is closed`);
  };

  /** The `const volatile` globals of `.rodata` this object declares, with offsets and shapes from BTF. */
  rodataVars(): SectionVar[] {
    this.#assertOpen();
    const btf = libbpf().bpf_object__btf(this.#ptr);
    return btf ? sectionVars(btf, '.rodata') : [];
  }

  /**
   * Sets `const volatile` globals (read-only once loaded: the verifier prunes on them) before load.
   * Writes into the `.rodata` map's initial value at each variable's BTF offset. Unknown names, values of
   * the wrong shape, strings too long for their char array, or calling after load throw.
   */
  setRodata(values: Record<string, RodataValue | undefined>): void {
    this.#assertOpen();
    if (this.#loaded) throw new Error('setRodata must be called before load()');
    const vars = new Map(this.rodataVars().map((v) => [v.name, v]));
    const lib = libbpf();
    const map = lib.bpf_object__find_map_by_name(this.#ptr, '.rodata');
    if (!map) throw new Error(`${this.path} has no .rodata section`);
    const psize: [number | bigint] = [0];
    const data = lib.bpf_map__initial_value(map, psize);
    if (!data) throw new BpfError('bpf_map__initial_value', koffi.errno() || 22, '.rodata');
    const buf = Buffer.from(koffi.view(data, Number(psize[0]))); // a view: writes go to libbpf's copy
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) continue;
      const v = vars.get(name);
      if (!v) throw new Error(`${this.path}: no const volatile variable '${name}' in .rodata`);
      encodeVar(buf, v, value);
    }
  }

  /**
   * Loads every program (verifier) and creates the maps. Throws BpfError('bpf_object__load') whose
   * message carries the verifier log tail; the object stays open and must still be closed.
   */
  load(): void {
    this.#assertOpen();
    const { value: ret, log } = withLibbpfLog(() => libbpf().bpf_object__load(this.#ptr));
    if (ret < 0) {
      if (-ret === 95 || -ret === 524) throw new NotSupportedError('bpf', `kernel refused ${this.path}: ${log.trim()}`);
      throw new BpfError('bpf_object__load', -ret, this.path, log);
    }
    this.#loaded = true;
  }

  /** The program named `name` (the C function name). Borrowed; throws if absent. */
  program(name: string): BpfProgram {
    this.#assertOpen();
    let prog = this.#programs.get(name);
    if (!prog) {
      const lib = libbpf();
      const ptr = lib.bpf_object__find_program_by_name(this.#ptr, name);
      if (!ptr) throw new Error(`${this.path}: no program '${name}'`);
      prog = new BpfProgram(
        ptr,
        name,
        lib.bpf_program__section_name(ptr),
        (l) => this.#links.add(l),
        (l) => this.#links.delete(l),
        this.#assertOpen,
      );
      this.#programs.set(name, prog);
    }
    return prog;
  }

  /** Every program of the object, in ELF order. */
  programs(): BpfProgram[] {
    this.#assertOpen();
    const lib = libbpf();
    const out: BpfProgram[] = [];
    for (let p = lib.bpf_object__next_program(this.#ptr, null); p; p = lib.bpf_object__next_program(this.#ptr, p)) {
      out.push(this.program(lib.bpf_program__name(p)));
    }
    return out;
  }

  /** The map named `name` (the C variable name, or `.rodata` etc.). Borrowed; throws if absent. */
  map(name: string): BpfMap {
    this.#assertOpen();
    let map = this.#maps.get(name);
    if (!map) {
      const ptr = libbpf().bpf_object__find_map_by_name(this.#ptr, name);
      if (!ptr) throw new Error(`${this.path}: no map '${name}'`);
      map = new BpfMap(ptr, name, this.#assertOpen);
      this.#maps.set(name, map);
    }
    return map;
  }

  /** Whether the object declares a map named `name`. */
  hasMap(name: string): boolean {
    this.#assertOpen();
    return this.#maps.has(name) || !!libbpf().bpf_object__find_map_by_name(this.#ptr, name);
  }

  /** Attaches every program by its SEC() name; the caller owns the returned links. */
  attachAll(): BpfLink[] {
    const links: BpfLink[] = [];
    try {
      for (const prog of this.programs()) links.push(prog.attach());
    } catch (err) {
      for (const l of links.reverse()) l.close();
      throw err;
    }
    return links;
  }

  /** Closes links still open, then unloads programs and frees maps (bpf_object__close). Idempotent. */
  close(): void {
    if (!this.#ptr) return;
    for (const link of [...this.#links].reverse()) link.close();
    const ptr = this.#ptr;
    this.#ptr = 0n;
    libbpf().bpf_object__close(ptr);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

function encodeVar(buf: Buffer, v: SectionVar, value: RodataValue): void {
  const where = `${v.name} (${v.size} bytes)`;
  if (v.offset + v.size > buf.length) throw new Error(`${where} lies outside .rodata`);
  if (v.shape.kind === 'int') {
    if (typeof value === 'string' || Buffer.isBuffer(value)) throw new TypeError(`${where} is an integer, got ${typeof value}`);
    let n = typeof value === 'boolean' ? (value ? 1n : 0n) : BigInt(value);
    const bits = BigInt(v.size * 8);
    const min = v.shape.signed ? -(1n << (bits - 1n)) : 0n;
    const max = v.shape.signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
    if (n < min || n > max) throw new RangeError(`${where}: ${n} out of range`);
    if (n < 0n) n += 1n << bits;
    for (let i = 0; i < v.size; i++) buf[v.offset + i] = Number((n >> BigInt(8 * i)) & 0xffn);
    return;
  }
  if (v.shape.kind === 'array') {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.isBuffer(value) ? value : null;
    if (!bytes) throw new TypeError(`${where} is an array, give a string or a Buffer`);
    const room = typeof value === 'string' ? v.size - 1 : v.size; // strings keep their NUL
    if (bytes.length > room) throw new RangeError(`${where}: value of ${bytes.length} bytes does not fit`);
    buf.fill(0, v.offset, v.offset + v.size);
    bytes.copy(buf, v.offset);
    return;
  }
  throw new TypeError(`${where}: unsupported type for config`);
}
