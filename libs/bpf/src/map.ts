import { BpfError } from './errors.js';
import { type Ptr, libbpf } from './libbpf.js';

/** Map types whose values are per possible CPU (enum bpf_map_type). */
const PER_CPU_TYPES = new Set([5 /* PERCPU_HASH */, 6 /* PERCPU_ARRAY */, 10 /* LRU_PERCPU_HASH */, 21 /* PERCPU_CGROUP_STORAGE */]);

let possibleCpus: number | undefined;

/** Number of possible CPUs (libbpf_num_possible_cpus), the stride of per-CPU values. Cached. */
export function numPossibleCpus(): number {
  if (possibleCpus === undefined) {
    const n = libbpf().libbpf_num_possible_cpus();
    if (n <= 0) throw new BpfError('libbpf_num_possible_cpus', -n || 22);
    possibleCpus = n;
  }
  return possibleCpus;
}

function check(operation: string, ret: number, detail: string): void {
  if (ret < 0) throw new BpfError(operation, -ret, detail);
}

/**
 * A map of a {@link BpfObject}, borrowed from it: valid while the object is open (the fd is the
 * object's). Keys and values are raw Buffers of `keySize` / `valueSize` bytes; decode them with a layout
 * from `layout.ts`. For per-CPU maps, lookups return one value per possible CPU. Each operation throws
 * BpfError with the errno on failure (except "not found", which is `undefined` / `false`).
 */
export class BpfMap {
  /** @internal Created by BpfObject.map(). */
  constructor(
    readonly ptr: Ptr,
    readonly name: string,
    private readonly assertOpen: () => void,
  ) {}

  get fd(): number {
    this.assertOpen();
    return libbpf().bpf_map__fd(this.ptr);
  }
  get type(): number {
    return libbpf().bpf_map__type(this.ptr);
  }
  get keySize(): number {
    return libbpf().bpf_map__key_size(this.ptr);
  }
  get valueSize(): number {
    return libbpf().bpf_map__value_size(this.ptr);
  }
  get maxEntries(): number {
    return libbpf().bpf_map__max_entries(this.ptr);
  }
  get isPerCpu(): boolean {
    return PER_CPU_TYPES.has(this.type);
  }

  /** Bytes one lookup fills: valueSize, or for per-CPU maps round_up(valueSize, 8) × possible CPUs. */
  get lookupSize(): number {
    return this.isPerCpu ? Math.ceil(this.valueSize / 8) * 8 * numPossibleCpus() : this.valueSize;
  }

  #key(key: Buffer): Buffer {
    if (key.length !== this.keySize) throw new RangeError(`map ${this.name}: key is ${key.length} bytes, want ${this.keySize}`);
    return key;
  }

  /** The value under `key` (per-CPU maps: all CPUs' values concatenated), or undefined if absent. */
  lookup(key: Buffer): Buffer | undefined {
    const value = Buffer.alloc(this.lookupSize);
    const ret = libbpf().bpf_map_lookup_elem(this.fd, this.#key(key), value);
    if (ret === -2 /* ENOENT */) return undefined;
    check('bpf_map_lookup_elem', ret, this.name);
    return value;
  }

  /** Per-CPU maps: the value under `key` split per possible CPU, or undefined if absent. */
  lookupPerCpu(key: Buffer): Buffer[] | undefined {
    if (!this.isPerCpu) throw new TypeError(`map ${this.name} is not per-CPU`);
    const all = this.lookup(key);
    if (!all) return undefined;
    const stride = Math.ceil(this.valueSize / 8) * 8;
    return Array.from({ length: numPossibleCpus() }, (_, i) => all.subarray(i * stride, i * stride + this.valueSize));
  }

  /** Sum of a u64 value at `offset` across CPUs (per-CPU counters such as a tool's `dropped`). */
  sumPerCpuU64(key: Buffer, offset = 0): bigint {
    return (this.lookupPerCpu(key) ?? []).reduce((sum, v) => sum + v.readBigUInt64LE(offset), 0n);
  }

  /** bpf_map_update_elem; flags BPF_ANY (0), BPF_NOEXIST (1), BPF_EXIST (2). */
  update(key: Buffer, value: Buffer, flags = 0): void {
    if (value.length !== this.lookupSize) throw new RangeError(`map ${this.name}: value is ${value.length} bytes, want ${this.lookupSize}`);
    check('bpf_map_update_elem', libbpf().bpf_map_update_elem(this.fd, this.#key(key), value, BigInt(flags)), this.name);
  }

  /** Deletes `key`; false if it was absent. */
  delete(key: Buffer): boolean {
    const ret = libbpf().bpf_map_delete_elem(this.fd, this.#key(key));
    if (ret === -2) return false;
    check('bpf_map_delete_elem', ret, this.name);
    return true;
  }

  /** Every key, by bpf_map_get_next_key. Entries deleted concurrently may be skipped, never repeated forever. */
  *keys(): Generator<Buffer> {
    const lib = libbpf();
    const fd = this.fd;
    let prev: Buffer | null = null;
    for (let guard = 0; guard <= this.maxEntries; guard++) {
      const next = Buffer.alloc(this.keySize);
      const ret = lib.bpf_map_get_next_key(fd, prev, next);
      if (ret === -2) return;
      check('bpf_map_get_next_key', ret, this.name);
      yield next;
      prev = next;
    }
  }

  /** Every [key, value] pair (values as {@link lookup} returns them). */
  *entries(): Generator<[Buffer, Buffer]> {
    for (const key of this.keys()) {
      const value = this.lookup(key);
      if (value) yield [key, value];
    }
  }
}
