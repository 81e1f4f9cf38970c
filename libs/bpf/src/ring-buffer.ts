import { BpfError } from './errors.js';
import { type Ptr, koffi, libbpf } from './libbpf.js';
import { BPF_MAP_TYPE, type BpfMap } from './map.js';

// include/uapi/linux/bpf.h: the 8-byte header in front of every record.
const BPF_RINGBUF_BUSY_BIT = 0x80000000;
const BPF_RINGBUF_DISCARD_BIT = 0x40000000;
const BPF_RINGBUF_HDR_SZ = 8;
const LEN_MASK = ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT) >>> 0;

const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_SHARED = 1;
const MAP_FAILED = (1n << 64n) - 1n;
const EPOLL_CLOEXEC = 0o2000000;
const EPOLL_CTL_ADD = 1;
const EPOLLIN = 1;

/** One mmap'ed region: its address and length, and the ArrayBuffer view JS reads it through. */
interface Mapping {
  addr: Ptr;
  len: number;
  ab: ArrayBuffer;
}

function mmapFd(fd: number, len: number, prot: number, offset: number, what: string): Mapping {
  const lib = libbpf();
  const addr = lib.mmap(null, len, prot, MAP_SHARED, fd, offset);
  if (addr === MAP_FAILED || addr === 0n) throw new BpfError('mmap', koffi.errno() || 22, what);
  return { addr, len, ab: koffi.view(addr, len) };
}

function unmap(m: Mapping): void {
  // Detach the ArrayBuffer first: a view kept past its callback then reads as empty instead of
  // touching unmapped memory (SIGSEGV).
  try {
    m.ab.transfer(0);
  } catch {
    /* already detached */
  }
  libbpf().munmap(m.addr, m.len);
}

/**
 * Consumer of a BPF ring buffer map (BPF_MAP_TYPE_RINGBUF), run ON THE NODE EVENT LOOP and without a
 * native call per record: the ring is mmap'ed as the kernel lays it out (libbpf's ringbuf.c, cilium/ebpf's
 * ringbuf reader do the same) and walked in JS.
 *
 * - consumer page (offset 0, read-write): `consumer_pos`, the only thing user space writes;
 * - producer page (offset page_size, read-only): `producer_pos`, followed by the data area mapped twice
 *   in a row, so a record that wraps past the end of the ring is contiguous in our address space.
 *
 * Each record starts with an 8-byte header {u32 len; u32 pg_off}: BUSY bit = reserved, not committed yet
 * (stop there, the kernel wakes us when it is committed); DISCARD bit = skip it. Records are 8-byte aligned.
 * Ordering as in libbpf: acquire-load consumer_pos and producer_pos, acquire-load each header before
 * reading its payload, release-store consumer_pos after the records it covers were handed out (JS
 * Atomics are sequentially consistent, which is at least that).
 *
 * Readiness: the map fd is registered in an epoll fd of our own, which a libuv poll handle
 * (koffi.node.poll) watches; when it is readable {@link consume} runs synchronously on the main thread.
 *
 * `onSample` gets a ZERO-COPY, READ-ONLY Buffer view into the ring, valid only during the callback: the
 * kernel reuses that memory as soon as the consumer position moves on. Decode it (or copy what you keep)
 * before returning; never write to it (the mapping is read-only: a write is a SIGSEGV). After close() the
 * mapping is detached, so a view kept by mistake reads as empty rather than crashing. `onSample` must not
 * throw; if it does, the record counts as consumed, the error is rethrown by {@link consume} (and every
 * later one) and the poll stops.
 *
 * Owned by its creator; should be closed before the BpfObject that owns the map. `close()` stops the poll,
 * closes the epoll fd and unmaps the ring; idempotent.
 */
export class RingBuffer implements Disposable {
  readonly #onSample: (data: Buffer) => void;
  readonly #size: number;
  #consumer: Mapping | null;
  #producer: Mapping | null;
  #epfd: number;
  /** consumer_pos / producer_pos (u64 each). */
  #consPos: BigUint64Array;
  #prodPos: BigUint64Array;
  /** The data area (2 × size: mapped twice) as bytes, and as u32 for the record headers. */
  #data: Buffer;
  #hdr: Uint32Array;
  #poll: ReturnType<typeof koffi.node.poll> | null = null;
  #error: unknown;
  #samples = 0;

  private constructor(onSample: (data: Buffer) => void, size: number, consumer: Mapping, producer: Mapping, epfd: number, pageSize: number) {
    this.#onSample = onSample;
    this.#size = size;
    this.#consumer = consumer;
    this.#producer = producer;
    this.#epfd = epfd;
    this.#consPos = new BigUint64Array(consumer.ab, 0, 1);
    this.#prodPos = new BigUint64Array(producer.ab, 0, 1);
    this.#data = Buffer.from(producer.ab, pageSize, 2 * size);
    this.#hdr = new Uint32Array(producer.ab, pageSize, (2 * size) / 4);
  }

  /**
   * Maps the ring of a BPF_MAP_TYPE_RINGBUF map of a loaded object. Does not start polling: call
   * {@link start}, or drain with {@link consume}. Throws BpfError('bpf_obj_get_info_by_fd' | 'mmap' |
   * 'epoll_create1' | 'epoll_ctl'), or TypeError for another map type.
   */
  static open(map: BpfMap, onSample: (data: Buffer) => void): RingBuffer {
    const lib = libbpf();
    const fd = map.fd;
    if (fd < 0) throw new BpfError('bpf_map__fd', -fd || 9, `${map.name} (object not loaded?)`);
    // The kernel's view of the map (libbpf adjusts ring sizes at load): type and max_entries.
    const info = Buffer.alloc(96);
    const ret = lib.bpf_obj_get_info_by_fd(fd, info, [info.length]);
    if (ret < 0) throw new BpfError('bpf_obj_get_info_by_fd', -ret, map.name);
    const type = info.readUInt32LE(0);
    const size = info.readUInt32LE(16);
    if (type !== BPF_MAP_TYPE.RINGBUF) throw new TypeError(`map ${map.name} is not a ring buffer (type ${type})`);
    const page = lib.getpagesize();

    const cleanup: (() => void)[] = [];
    try {
      const consumer = mmapFd(fd, page, PROT_READ | PROT_WRITE, 0, `${map.name} consumer page`);
      cleanup.push(() => unmap(consumer));
      const producer = mmapFd(fd, page + 2 * size, PROT_READ, page, `${map.name} producer page and data`);
      cleanup.push(() => unmap(producer));
      const epfd = lib.epoll_create1(EPOLL_CLOEXEC);
      if (epfd < 0) throw new BpfError('epoll_create1', koffi.errno() || 24, map.name);
      cleanup.push(() => lib.close(epfd));
      // struct epoll_event: u32 events, u64 data (packed on x86-64: 12 bytes; 16 elsewhere). data = 0.
      const ev = Buffer.alloc(16);
      ev.writeUInt32LE(EPOLLIN, 0);
      if (lib.epoll_ctl(epfd, EPOLL_CTL_ADD, fd, ev) < 0) throw new BpfError('epoll_ctl', koffi.errno() || 22, map.name);
      return new RingBuffer(onSample, size, consumer, producer, epfd, page);
    } catch (err) {
      for (const undo of cleanup.reverse()) undo();
      throw err;
    }
  }

  /** Records delivered to onSample so far (discarded records are not counted). */
  get samples(): number {
    return this.#samples;
  }

  get closed(): boolean {
    return this.#consumer === null;
  }

  /** Starts consuming whenever the ring has data, on the event loop. Does not keep the process alive. */
  start(): void {
    if (this.closed || this.#poll) return;
    this.#poll = koffi.node.poll(this.#epfd, { readable: true }, () => {
      try {
        this.consume();
      } catch {
        this.#poll?.stop(); // the error stays recorded; the owner sees it at its final consume()
      }
    });
    this.#poll.unref();
  }

  /**
   * Synchronously hands every committed record to onSample, in ring order; returns how many. Throws the
   * first error of onSample (then and at every later call). A no-op (0) once closed.
   */
  consume(): number {
    if (this.closed) return 0;
    if (this.#error !== undefined) throw this.#error;
    const size = this.#size;
    const data = this.#data;
    const hdr = this.#hdr;
    const consPos = this.#consPos;
    const prodPos = this.#prodPos;
    // Positions are u64 byte counts that only grow; as Numbers they are exact up to 2^53 (8 PiB).
    let cons = Number(Atomics.load(consPos, 0));
    let stored = cons;
    // Publish consumer_pos at least every quarter ring, so a long batch frees space for the producer.
    const publishEvery = size / 4;
    let n = 0;
    for (;;) {
      const prod = Number(Atomics.load(prodPos, 0));
      if (cons >= prod) break;
      while (cons < prod) {
        const off = cons % size;
        const len = Atomics.load(hdr, off >>> 2);
        if (len & BPF_RINGBUF_BUSY_BIT) {
          // Reserved but not committed: stop here; its commit wakes us (consumer_pos == its position).
          if (cons !== stored) Atomics.store(consPos, 0, BigInt(cons));
          return n;
        }
        const sz = (len & LEN_MASK) >>> 0;
        const start = off + BPF_RINGBUF_HDR_SZ;
        cons += (sz + BPF_RINGBUF_HDR_SZ + 7) & ~7;
        if ((len & BPF_RINGBUF_DISCARD_BIT) === 0) {
          try {
            this.#onSample(data.subarray(start, start + sz));
          } catch (err) {
            this.#error = err;
            Atomics.store(consPos, 0, BigInt(cons));
            throw err;
          }
          n++;
          this.#samples++;
        }
        if (cons - stored >= publishEvery) {
          Atomics.store(consPos, 0, BigInt(cons));
          stored = cons;
        }
      }
      if (cons !== stored) {
        Atomics.store(consPos, 0, BigInt(cons));
        stored = cons;
      }
    }
    return n;
  }

  close(): void {
    if (this.closed) return;
    this.#poll?.close();
    this.#poll = null;
    libbpf().close(this.#epfd);
    this.#epfd = -1;
    unmap(this.#producer!);
    unmap(this.#consumer!);
    this.#producer = null;
    this.#consumer = null;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
