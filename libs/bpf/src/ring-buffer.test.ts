/**
 * RingBuffer on the real kernel, against a test producer (test-support/ringbuf.bpf.c) driven by this
 * process's own syscalls: every byte of every record checked, records that wrap past the end of a
 * one-page ring, discarded records, a full ring, errors in the callback, and close().
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compileTestBpf, describeKernel } from '../../../test/support/kernel.js';
import { BpfObject, RingBuffer } from './index.js';
import { libbpf } from './libbpf.js';

const NR_GETPPID = 110;
const MAGIC = 0x72696e67627566n;
const DISCARD = 0x10000;
const RING = 4096;
const HDR = 8;

/** Asks the test program for one record of `size` bytes (or a discarded one). */
const emit = (size: number) => libbpf().syscall(NR_GETPPID, 'uint64_t', BigInt(size), 'uint64_t', MAGIC);
/** Bytes a record of `size` takes in the ring: header + payload, 8-byte aligned. */
const footprint = (size: number) => Math.ceil((size + HDR) / 8) * 8;

interface Rec {
  seq: number;
  size: number;
  ok: boolean;
}

/** Checks a record's content in place (the view is only valid now) and keeps a summary. */
function check(data: Buffer): Rec {
  const seq = data.readUInt32LE(0);
  const size = data.readUInt32LE(4);
  let ok = data.length === size;
  for (let i = 8; ok && i < size; i++) ok = data[i] === ((seq + i) & 0xff);
  return { seq, size, ok };
}

describeKernel('RingBuffer (mmap consumer) on the real kernel', () => {
  let dir: string;
  let objPath: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ringbuf-'));
    objPath = compileTestBpf('ringbuf');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function loaded(): BpfObject {
    const obj = BpfObject.open(objPath);
    obj.setRodata({ targ_pid: process.pid });
    obj.load();
    return obj;
  }
  const full = (obj: BpfObject) => obj.map('state').lookup(Buffer.from([1, 0, 0, 0]))!.readBigUInt64LE(0);

  it('delivers records that wrap past the end of the ring intact, skips discarded ones', () => {
    using obj = loaded();
    const recs: Rec[] = [];
    using rb = RingBuffer.open(obj.map('rb'), (d) => recs.push(check(d)));
    using _link = obj.program('ringbuf_emit').attach();

    // Odd sizes (unaligned ends), interleaved with discards, consumed a few at a time so the 4 KB ring
    // wraps ~40 times; track where each record lands to prove some of them straddle the end.
    const sizes = [1000, 13, 600, 8, 1500, 777, 2048, 64, 333, 1201];
    let pos = 0;
    let straddling = 0;
    let discarded = 0;
    const want: number[] = [];
    for (let i = 0; i < 200; i++) {
      const size = sizes[i % sizes.length]!;
      if (i % 7 === 3) {
        emit(DISCARD);
        pos += footprint(64);
        discarded++;
      }
      emit(size);
      if ((pos % RING) + HDR + size > RING) straddling++;
      pos += footprint(size);
      want.push(size);
      if (i % 2 === 1) rb.consume();
    }
    rb.consume();
    expect(full(obj)).toBe(0n);
    expect(straddling).toBeGreaterThan(10);
    expect(discarded).toBeGreaterThan(20);
    expect(recs.map((r) => r.size)).toEqual(want);
    expect(recs.map((r) => r.seq)).toEqual(want.map((_, i) => i));
    expect(recs.every((r) => r.ok)).toBe(true);
    expect(rb.samples).toBe(200);
  });

  it('a full ring refuses records until the consumer moves on', () => {
    using obj = loaded();
    const recs: Rec[] = [];
    using rb = RingBuffer.open(obj.map('rb'), (d) => recs.push(check(d)));
    using _link = obj.program('ringbuf_emit').attach();
    for (let i = 0; i < 5; i++) emit(1000); // 4 × 1008 B fit in 4096, the fifth does not
    expect(full(obj)).toBe(1n);
    expect(rb.consume()).toBe(4);
    for (let i = 0; i < 4; i++) emit(1000); // room again (and these wrap)
    expect(rb.consume()).toBe(4);
    expect(full(obj)).toBe(1n);
    expect(recs.map((r) => [r.seq, r.ok])).toEqual(Array.from({ length: 8 }, (_, i) => [i, true]));
  });

  it('wakes up on the event loop when records arrive', async () => {
    using obj = loaded();
    let n = 0;
    using rb = RingBuffer.open(obj.map('rb'), () => n++);
    using _link = obj.program('ringbuf_emit').attach();
    rb.start();
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 3; i++) emit(100);
      for (let t = 0; t < 200 && n < 3 * (round + 1); t++) await new Promise((r) => setTimeout(r, 10));
      expect(n).toBe(3 * (round + 1));
    }
  });

  it('an error in onSample is rethrown by consume; the record counts as consumed', () => {
    using obj = loaded();
    const seen: number[] = [];
    using rb = RingBuffer.open(obj.map('rb'), (d) => {
      seen.push(d.readUInt32LE(0));
      if (seen.length === 2) throw new Error('decoder bug');
    });
    using _link = obj.program('ringbuf_emit').attach();
    for (let i = 0; i < 4; i++) emit(100);
    expect(() => rb.consume()).toThrow('decoder bug');
    expect(() => rb.consume()).toThrow('decoder bug');
    expect(seen).toEqual([0, 1]);
  });

  it('close() unmaps, is idempotent, and a view kept past it reads as empty', () => {
    using obj = loaded();
    let kept: Buffer | undefined;
    const rb = RingBuffer.open(obj.map('rb'), (d) => {
      kept = d;
    });
    using _link = obj.program('ringbuf_emit').attach();
    emit(100);
    expect(rb.consume()).toBe(1);
    expect(kept!.length).toBe(100);
    rb.close();
    rb.close();
    expect(rb.closed).toBe(true);
    expect(rb.consume()).toBe(0);
    expect(kept!.length).toBe(0);
    expect(() => RingBuffer.open(obj.map('state'), () => {})).toThrow(TypeError);
  });
});
