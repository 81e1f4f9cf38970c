/**
 * The C header against its TS twin: (1) compiled for the host with a shim and fed ~10k values;
 * (2) compiled for BPF, loaded and attached on the real kernel, fed values through syscall arguments.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { compileTestBpf, compileWorkload, describeKernel } from '../../../../test/support/kernel.js';
import { BpfObject } from '../object.js';
import { LOGLINEAR_SLOTS, bucketIndex, histogramOf, slotsFromBuffer } from './loglinear.js';

/** Values that exercise every boundary: 0..300, powers of two ± 2, random u64 of every bit length. */
function testValues(randomCount: number): bigint[] {
  const values: bigint[] = [];
  for (let v = 0n; v <= 300n; v++) values.push(v);
  for (let k = 0n; k < 64n; k++) {
    for (const d of [-2n, -1n, 0n, 1n, 2n]) {
      const v = (1n << k) + d;
      if (v >= 0n && v < 1n << 64n) values.push(v);
    }
  }
  values.push((1n << 64n) - 1n, (1n << 64n) - 2n);
  for (let i = 0; i < randomCount; i++) {
    const bits = BigInt(1 + (i % 64));
    values.push(randomBytes(8).readBigUInt64LE() & ((1n << bits) - 1n));
  }
  return values;
}

describe('loglinear.bpf.h compiled for the host', () => {
  it('computes the same slot as bucketIndex() for ~10k values', () => {
    const bin = compileWorkload('loglinear-shim');
    const values = testValues(9_500);
    expect(values.length).toBeGreaterThan(9_900);
    const out = execFileSync(bin, { input: values.join('\n') + '\n', maxBuffer: 1 << 24 }).toString().trim().split('\n');
    expect(out).toHaveLength(values.length);
    const mismatches = values.filter((v, i) => Number(out[i]) !== bucketIndex(v));
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(Math.max(...out.map(Number))).toBe(LOGLINEAR_SLOTS - 1);
  });
});

// As test/fixtures/bpf/loglinear.bpf.c defines them.
const MAGIC = 0x6c6f676c696eaan; // second syscall argument marking the test's calls
const NR_GETPPID = 110;
const MAX_VALUES = 4096;

describeKernel('loglinear.bpf.h on the kernel', () => {
  it('slots each value as bucketIndex() does, and loglinear_map_increment fills the same histogram', async () => {
    const obj = compileTestBpf('loglinear');
    const values = testValues(MAX_VALUES - 700).slice(0, MAX_VALUES);
    // The workload: known pid first, paused on stdin until the program is attached.
    const py = spawn(
      '/usr/bin/python3',
      [
        '-c',
        `import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
print("ready", flush=True)
values = [int(l) for l in sys.stdin.read().split()]
for v in values:
    libc.syscall(${NR_GETPPID}, ctypes.c_uint64(v), ctypes.c_uint64(${MAGIC}))
print("done", len(values), flush=True)`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
    const exited = new Promise<number | null>((res) => py.on('exit', res));
    try {
      expect((await lines.next()).value).toBe('ready');
      using bpf = BpfObject.open(obj);
      bpf.setRodata({ target_tgid: py.pid! });
      bpf.load();
      const links = bpf.attachAll();
      try {
        py.stdin.end(values.join('\n') + '\n');
        expect((await lines.next()).value).toBe(`done ${values.length}`);
        expect(await exited).toBe(0);
      } finally {
        for (const l of links) l.close();
      }
      const key = (i: number) => {
        const k = Buffer.alloc(4);
        k.writeUInt32LE(i);
        return k;
      };
      expect(bpf.map('next').lookup(key(0))!.readUInt32LE(0)).toBe(values.length);
      const mismatches: string[] = [];
      for (let i = 0; i < values.length; i++) {
        const p = bpf.map('pairs').lookup(key(i))!;
        const value = p.readBigUInt64LE(0);
        const index = Number(p.readBigUInt64LE(8));
        if (value !== values[i] || index !== bucketIndex(values[i]!)) mismatches.push(`${values[i]}: kernel ${value} → ${index}`);
      }
      expect(mismatches.slice(0, 10)).toEqual([]);
      const perCpu = bpf.map('hist').lookupPerCpu(key(0))!;
      const slots = new Array<number>(LOGLINEAR_SLOTS).fill(0);
      for (const cpu of perCpu) slotsFromBuffer(cpu).forEach((c, i) => (slots[i]! += Number(c)));
      expect(slots).toEqual(histogramOf(values));
    } finally {
      py.kill('SIGKILL');
    }
  });
});
