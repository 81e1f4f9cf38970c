import { BpfError } from './errors.js';
import { type Ptr, libbpf } from './libbpf.js';

/** enum bpf_map_type values used here. */
export const BPF_MAP_TYPE = {
  HASH: 1, ARRAY: 2, PERCPU_HASH: 5, PERCPU_ARRAY: 6, STACK_TRACE: 7, LRU_HASH: 9, LRU_PERCPU_HASH: 10,
  PERCPU_CGROUP_STORAGE: 21, RINGBUF: 27,
} as const;

/** Map types whose values are per possible CPU. */
const PER_CPU_TYPES = new Set<number>([BPF_MAP_TYPE.PERCPU_HASH, BPF_MAP_TYPE.PERCPU_ARRAY, BPF_MAP_TYPE.LRU_PERCPU_HASH, BPF_MAP_TYPE.PERCPU_CGROUP_STORAGE]);
/** Map types whose entries cannot be deleted (arrays: every index always exists). */

/** Batch ops the kernel refused for a map type (EINVAL/ENOTSUPP): remembered so fallback is chosen once. */
const noBatch = new Set<string>();

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

  /**
   * Per-CPU maps whose value is a struct of u64 counters (valueSize a multiple of 8): the value under
   * `key` with each u64 summed across CPUs, as one valueSize buffer; undefined if absent.
   */
  lookupSummed(key: Buffer): Buffer | undefined {
    const all = this.lookup(key);
    return all && this.sumPerCpuValue(all);
  }

  /** Sums the u64 words of a per-CPU lookup result (one slot per possible CPU) into one value. */
  sumPerCpuValue(all: Buffer): Buffer {
    if (!this.isPerCpu) throw new TypeError(`map ${this.name} is not per-CPU`);
    if (this.valueSize % 8) throw new TypeError(`map ${this.name}: value of ${this.valueSize} bytes is not u64 words`);
    const out = Buffer.alloc(this.valueSize);
    for (let cpu = 0; cpu < numPossibleCpus(); cpu++) {
      for (let off = 0; off < this.valueSize; off += 8) {
        out.writeBigUInt64LE((out.readBigUInt64LE(off) + all.readBigUInt64LE(cpu * this.valueSize + off)) & 0xffffffffffffffffn, off);
      }
    }
    return out;
  }

  /**
   * Stack-trace maps (BPF_MAP_TYPE_STACK_TRACE): the addresses of stack `id` (as bpf_get_stackid
   * returned it), innermost first, trailing zeros trimmed; undefined when the id is absent (negative ids
   * are bpf_get_stackid errors such as -EFAULT for a missing user stack, and are absent too).
   */
  stack(id: number): bigint[] | undefined {
    if (this.type !== BPF_MAP_TYPE.STACK_TRACE) throw new TypeError(`map ${this.name} is not a stack-trace map`);
    if (!Number.isInteger(id) || id < 0) return undefined;
    const key = Buffer.alloc(4);
    key.writeUInt32LE(id);
    const value = this.lookup(key);
    if (!value) return undefined;
    const ips: bigint[] = [];
    for (let off = 0; off + 8 <= value.length; off += 8) {
      const ip = value.readBigUInt64LE(off);
      if (ip === 0n) break;
      ips.push(ip);
    }
    return ips;
  }

  /**
   * Every [key, value] pair, read `batchSize` entries per syscall with BPF_MAP_LOOKUP_BATCH (5.6+) when
   * the kernel supports it for this map type, else by get_next_key + lookup. A consistent snapshot only if
   * the map is not being written meanwhile (detach first), as with any iteration.
   */
  *entriesBatched(batchSize = 256): Generator<[Buffer, Buffer]> {
    const batched = this.#batch(batchSize);
    if (batched) yield* batched;
    else yield* this.entries();
  }

  /** Whether the batch path was refused for this map type on this kernel (set after the first try). */
  get batchUnsupported(): boolean {
    return noBatch.has(`${this.type}`);
  }

  /** Batched lookup, or null when this kernel does not batch this map type. */
  #batch(batchSize: number): Generator<[Buffer, Buffer]> | null {
    const typeKey = `${this.type}`;
    if (noBatch.has(typeKey)) return null;
    const lib = libbpf();
    const fd = this.fd;
    const keySize = this.keySize;
    const stride = this.lookupSize;
    let count = Math.max(1, Math.min(batchSize, this.maxEntries));
    const call = lib.bpf_map_lookup_batch;
    const opts = { sz: lib.sizes.batchOpts, elem_flags: 0n, flags: 0n };
    const op = 'bpf_map_lookup_batch';
    // The batch token is opaque: a bucket index for hashes, a key for arrays. Key-sized, at least 8 bytes.
    const tokenSize = Math.max(keySize, 8);
    // Probe the first batch eagerly, so an unsupported kernel falls back before anything is yielded.
    let inBatch: Buffer | null = null;
    let outBatch = Buffer.alloc(tokenSize);
    let keys = Buffer.alloc(keySize * count);
    let values = Buffer.alloc(stride * count);
    const n: [number] = [count];
    let ret = call(fd, null, outBatch, keys, values, n, opts);
    while (ret === -28 /* ENOSPC: a hash bucket holds more than count */ && count < this.maxEntries) {
      count = Math.min(count * 4, this.maxEntries);
      keys = Buffer.alloc(keySize * count);
      values = Buffer.alloc(stride * count);
      n[0] = count;
      ret = call(fd, null, outBatch, keys, values, n, opts);
    }
    if (ret === -22 /* EINVAL */ || ret === -95 || ret === -524) {
      noBatch.add(typeKey);
      return null;
    }
    const name = this.name;
    return (function* () {
      for (;;) {
        if (ret < 0 && ret !== -2 /* ENOENT: no more entries */) throw new BpfError(op, -ret, name);
        for (let i = 0; i < n[0]; i++) {
          yield [Buffer.from(keys.subarray(i * keySize, (i + 1) * keySize)), Buffer.from(values.subarray(i * stride, (i + 1) * stride))];
        }
        if (ret === -2) return;
        inBatch = outBatch;
        outBatch = Buffer.alloc(tokenSize);
        n[0] = count;
        ret = call(fd, inBatch, outBatch, keys, values, n, opts);
      }
    })();
  }
}
