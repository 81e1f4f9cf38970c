import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeKernel } from '../../../bpf/test-support/kernel.js';
import { runSyscount } from './syscount.js';
import type { SyscountParams } from './syscount.schema.js';

// Waits for one byte on stdin (so the probes are attached first), then makes exactly argv[1] getppid calls.
const WORKLOAD_C = `
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(int argc, char **argv) {
  char b;
  if (read(0, &b, 1) != 1) return 2;
  long n = atol(argv[1]);
  for (long i = 0; i < n; i++) syscall(SYS_getppid);
  return 0;
}
`;

describeKernel('syscount on the real kernel', () => {
  let dir: string;
  let binary: string;
  const name = `sc${process.pid % 100000}x`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'syscount-'));
    writeFileSync(join(dir, 'w.c'), WORKLOAD_C);
    binary = join(dir, name);
    execFileSync('cc', ['-O1', '-o', binary, join(dir, 'w.c')]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Starts the workload blocked on stdin, traces it with params(pid), releases it once attached. */
  async function trace(n: number, params: (pid: number) => SyscountParams) {
    const child = spawn(binary, [String(n)], { stdio: ['pipe', 'ignore', 'ignore'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const ac = new AbortController();
    let attached = 0;
    const out = await runSyscount({
      params: params(child.pid!),
      durationMs: 30_000,
      signal: ac.signal,
      onAttached: () => {
        attached++;
        child.stdin!.end('x');
        void exited.then(() => ac.abort());
      },
    });
    expect(await exited).toBe(0);
    expect(attached).toBe(1);
    if (out.result.kind !== 'counts') throw new Error('expected counts');
    return out.result;
  }

  it('counts exactly N getppid() calls of a pid', async () => {
    const N = 4321;
    const result = await trace(N, (pid) => ({ pid }));
    expect(result.keys).toEqual(['syscall']);
    expect(result.rows.find((r) => r.syscall === 'getppid')?.count).toBe(N);
    expect(result.rows.map((r) => r.count as number)).toEqual(
      [...result.rows.map((r) => r.count as number)].sort((a, b) => b - a),
    );
    expect(result.total).toBe(result.rows.reduce((s, r) => s + (r.count as number), 0));
  });

  it('filters by comm and keys by syscall, pid and comm, with latency', async () => {
    const N = 1234;
    let pid = 0;
    const result = await trace(N, (p) => {
      pid = p;
      return { comm: name, by: ['syscall', 'pid', 'comm'], latency: true };
    });
    const rows = result.rows.filter((r) => r.syscall === 'getppid');
    expect(rows).toEqual([{ syscall: 'getppid', pid, comm: name, count: N, totalLatencyNs: expect.any(Number) }]);
    expect(rows[0].totalLatencyNs).toBeGreaterThan(0);
    expect(result.rows.every((r) => r.comm === name)).toBe(true);
  });

  it('failedOnly counts only failing calls', async () => {
    const result = await trace(500, (pid) => ({ pid, failedOnly: true }));
    expect(result.rows.find((r) => r.syscall === 'getppid')).toBeUndefined();
  });
});
