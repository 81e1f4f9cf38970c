/**
 * The C header against its TS twin: (1) compiled for the host with a shim and fed ~10k values;
 * (2) compiled for BPF, loaded and attached on the real kernel, fed values through syscall arguments.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BpfObject } from '../object.js';
import { LOGLINEAR_SLOTS, bucketIndex, histogramOf, slotsFromBuffer } from './loglinear.js';

const ROOT = resolve(import.meta.dirname, '../../../..');
const INCLUDE = join(ROOT, 'libs/bpf/include');
const CI = process.env.CI === 'true';

function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

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

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bpfleet-loglinear-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!has('cc') && !CI)('loglinear.bpf.h compiled for the host', () => {
  it('computes the same slot as bucketIndex() for ~10k values', () => {
    const src = join(dir, 'shim.c');
    writeFileSync(
      src,
      `#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
typedef uint64_t __u64;
typedef uint32_t __u32;
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#include "loglinear.bpf.h"
int main(void) {
  char line[64];
  while (fgets(line, sizeof line, stdin)) {
    unsigned long long v = strtoull(line, NULL, 10);
    printf("%u\\n", loglinear_index(v));
  }
  return 0;
}
`,
    );
    const bin = join(dir, 'shim');
    execFileSync('cc', ['-O2', '-Wall', '-Werror', '-I', INCLUDE, '-o', bin, src]);
    const values = testValues(9_500);
    expect(values.length).toBeGreaterThan(9_900);
    const out = execFileSync(bin, { input: values.join('\n') + '\n', maxBuffer: 1 << 24 }).toString().trim().split('\n');
    expect(out).toHaveLength(values.length);
    const mismatches = values.filter((v, i) => Number(out[i]) !== bucketIndex(v));
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(Math.max(...out.map(Number))).toBe(LOGLINEAR_SLOTS - 1);
  });
});

const MAGIC = 0x6c6f676c696eaan; // second syscall argument marking the test's calls
const NR_GETPPID = process.arch === 'arm64' ? 173 : 110;
const MAX_VALUES = 4096;

const canRunKernel = has('clang') && process.getuid?.() === 0 && existsSync('/sys/kernel/btf/vmlinux');

describe.skipIf(!canRunKernel && !CI)('loglinear.bpf.h on the kernel', () => {
  it('slots each value as bucketIndex() does, and loglinear_map_increment fills the same histogram', async () => {
    let vmlinuxDir = join(ROOT, 'build');
    if (!existsSync(join(vmlinuxDir, 'vmlinux.h'))) {
      vmlinuxDir = dir;
      const h = execFileSync('bpftool', ['btf', 'dump', 'file', '/sys/kernel/btf/vmlinux', 'format', 'c'], { maxBuffer: 1 << 28 });
      writeFileSync(join(dir, 'vmlinux.h'), h);
    }
    const src = join(dir, 'loglinear_test.bpf.c');
    writeFileSync(
      src,
      `#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "loglinear.bpf.h"

const volatile __u32 target_tgid = 0;
struct pair { __u64 value; __u64 index; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, ${MAX_VALUES}); __type(key, __u32); __type(value, struct pair); } pairs SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u32); } next SEC(".maps");
LOGLINEAR_HIST_MAP(hist);

SEC("tracepoint/raw_syscalls/sys_enter")
int on_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u32 zero = 0, i, *n;
	struct pair *p;
	__u64 v;

	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid || ctx->id != ${NR_GETPPID} || ctx->args[1] != ${MAGIC}ULL)
		return 0;
	v = ctx->args[0];
	loglinear_map_increment(&hist, v);
	n = bpf_map_lookup_elem(&next, &zero);
	if (!n)
		return 0;
	i = *n;
	*n = i + 1;
	p = bpf_map_lookup_elem(&pairs, &i);
	if (p) {
		p->value = v;
		p->index = loglinear_index(v);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
`,
    );
    const obj = join(dir, 'loglinear_test.bpf.o');
    execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-I', vmlinuxDir, '-I', INCLUDE, '-c', src, '-o', obj]);

    const values = testValues(MAX_VALUES - 700).slice(0, MAX_VALUES);
    // The workload: known pid first, paused on stdin until the program is attached.
    const py = spawn(
      'python3',
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
