import { BpfError } from './errors.js';
import { type Ptr, koffi, libbpf } from './libbpf.js';
import type { BpfMap } from './map.js';

/**
 * Consumer of a BPF ring buffer map, run ON THE NODE EVENT LOOP: libbpf's epoll fd
 * (ring_buffer__epoll_fd) is watched by a libuv poll handle (koffi.node.poll), and when it is readable
 * ring_buffer__consume runs synchronously on the main thread, calling `onSample` for each record. No
 * foreign thread ever runs JS. `onSample` gets a copy of the record (the ring's memory is released
 * after the callback) and must not throw; if it does, the first error is rethrown by the next
 * {@link consume} and the poll stops.
 *
 * Owned by its creator; must be closed before the BpfObject that owns the map. `close()` stops the poll,
 * frees the ring buffer, then unregisters the callback (reverse order of creation); idempotent.
 */
export class RingBuffer implements Disposable {
  #rb: Ptr;
  #cb: Ptr;
  #poll: ReturnType<typeof koffi.node.poll> | null = null;
  #error: unknown;
  #samples = 0;

  private constructor(rb: Ptr, cb: Ptr) {
    this.#rb = rb;
    this.#cb = cb;
  }

  /**
   * Creates the consumer for a BPF_MAP_TYPE_RINGBUF map of a loaded object. Does not start polling:
   * call {@link start}, or drain with {@link consume}. Throws BpfError('ring_buffer__new').
   */
  static open(map: BpfMap, onSample: (data: Buffer) => void): RingBuffer {
    const lib = libbpf();
    let self: RingBuffer | undefined;
    const sample = (_ctx: Ptr, data: Ptr, size: number | bigint): number => {
      try {
        onSample(Buffer.from(new Uint8Array(koffi.view(data, Number(size)))));
        if (self) self.#samples++;
        return 0;
      } catch (err) {
        if (self && self.#error === undefined) self.#error = err;
        return -1; // stops this ring_buffer__consume; the error surfaces from consume()
      }
    };
    const cb = koffi.register(sample, koffi.pointer(lib.SampleFn));
    const rb = lib.ring_buffer__new(map.fd, cb, null, null);
    if (!rb) {
      const errno = koffi.errno();
      koffi.unregister(cb);
      throw new BpfError('ring_buffer__new', errno, map.name);
    }
    self = new RingBuffer(rb, cb);
    return self;
  }

  /** Records delivered to onSample so far. */
  get samples(): number {
    return this.#samples;
  }

  get closed(): boolean {
    return this.#rb === 0n;
  }

  /** Starts consuming whenever the ring has data, on the event loop. Does not keep the process alive. */
  start(): void {
    if (!this.#rb || this.#poll) return;
    const fd = libbpf().ring_buffer__epoll_fd(this.#rb);
    this.#poll = koffi.node.poll(fd, { readable: true }, () => {
      try {
        this.consume();
      } catch {
        this.#poll?.stop(); // the error stays recorded; the owner sees it at its final consume()
      }
    });
    this.#poll.unref();
  }

  /**
   * Synchronously hands every available record to onSample; returns how many. Throws the first error of
   * onSample, or BpfError('ring_buffer__consume'). A no-op (0) once closed.
   */
  consume(): number {
    if (!this.#rb) return 0;
    const n = libbpf().ring_buffer__consume(this.#rb);
    if (this.#error !== undefined) throw this.#error;
    if (n < 0) throw new BpfError('ring_buffer__consume', -n);
    return n;
  }

  close(): void {
    if (!this.#rb) return;
    this.#poll?.close();
    this.#poll = null;
    libbpf().ring_buffer__free(this.#rb);
    this.#rb = 0n;
    koffi.unregister(this.#cb);
    this.#cb = 0n;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
