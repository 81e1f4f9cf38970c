import { beforeAll, expect, it } from 'vitest';
import { BpftraceError } from '../../../bpf/src/bpftrace/runner.js';
import { compileWorkload, describeKernel } from '../../../../test/support/kernel.js';
import { runTool, traceWorkload } from '../../../../test/support/tools.js';
import bpftraceTool from './bpftrace.js';

describeKernel('the bpftrace tool on the real kernel', () => {
  let binary: string;
  const comm = `bt${process.pid % 100000}x`;

  beforeAll(() => {
    binary = compileWorkload('getppid', comm);
  });

  /** Runs `program(pid)` over the getppid workload making exactly n calls once the probes are attached. */
  const trace = (n: number, program: (pid: number) => string) =>
    traceWorkload(bpftraceTool, { file: binary, args: [String(n)] }, (pid) => ({ program: program(pid) }));

  it('counts: exactly the N getppid calls of the workload, keyed by its comm, with the common stats', async () => {
    const N = 2345;
    const { result, stats } = await trace(N, (pid) => `tracepoint:syscalls:sys_enter_getppid /pid == ${pid}/ { @[comm] = count(); }`);
    expect(result).toEqual({ kind: 'counts', keys: ['map', 'key'], rows: [{ map: '@', key: comm, count: N }], total: N });
    expect(stats).toMatchObject({ loadMs: expect.any(Number), attachMs: expect.any(Number), tracedMs: expect.any(Number), lostEvents: 0 });
  });

  it('events: one row per printf line, N rows with the text, read while the run lasted', async () => {
    const N = 1000;
    const before = Date.now();
    const { result, pid } = await trace(N, (p) => `tracepoint:syscalls:sys_enter_getppid /pid == ${p}/ { printf("getppid by %d\\n", pid); }`);
    const after = Date.now();
    if (result.kind !== 'events') throw new Error(`expected events, got ${result.kind}`);
    expect(result.total).toBe(N);
    expect(result.dropped).toBe(0);
    expect(result.rows.map((r) => r.line)).toEqual(Array(N).fill(`getppid by ${pid}`));
    for (const row of result.rows) {
      expect(Date.parse(row.ts as string)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(row.ts as string)).toBeLessThanOrEqual(after);
    }
  });

  it('histogram: hist() of the N return values (the parent pid: this process) in its log2 bucket', async () => {
    const N = 500;
    const { result } = await trace(N, (pid) => `tracepoint:syscalls:sys_exit_getppid /pid == ${pid}/ { @ppid = hist(args->ret); }`);
    const lo = 2 ** Math.floor(Math.log2(process.pid));
    expect(result).toMatchObject({ kind: 'histogram', unit: 'value', count: N, buckets: [{ lo, hi: 2 * lo, count: N }] });
  });

  it('fails a run whose program bpftrace refuses, with bpftrace’s message', async () => {
    await expect(runTool(bpftraceTool, { program: 'tracepoint:syscalls:sys_enter_getppid { @x = count( }' })).rejects.toThrow(BpftraceError);
    await expect(runTool(bpftraceTool, { program: 'BEGIN { system("id"); }' })).rejects.toThrow(/unsafe/);
  });

  it('returns an empty result of the declared kind, without attach stats, when aborted before attaching', async () => {
    const ac = new AbortController();
    ac.abort();
    const { result, stats } = await runTool(bpftraceTool, { program: 'tracepoint:syscalls:sys_enter_getppid { @[comm] = count(); }' }, { signal: ac.signal });
    expect(result).toEqual({ kind: 'counts', keys: ['map', 'key'], rows: [], total: 0 });
    expect(stats.attachMs).toBeUndefined();
  });
});
