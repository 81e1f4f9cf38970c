/** runBpftrace on the real kernel, against workloads whose ground truth is known. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { NotSupportedError } from '../errors.js';
import { log2Index } from '../histogram/loglinear.js';
import { countsFromOutput, eventsFromOutput, histogramFromOutput } from './output.js';
import { BpftraceError, bpftraceAvailable, bpftraceVersion, runBpftrace } from './runner.js';

const available = await bpftraceAvailable();
const CI = process.env.CI === 'true';
const NR_GETPPID = process.arch === 'arm64' ? 173 : 110;
const MAGIC = 424242;

/**
 * A python3 process paused on stdin (so its pid is known before tracing starts); each line written to
 * it is a value v: it makes getppid(v, MAGIC) through syscall(2), so the call's arguments carry v.
 */
class Workload {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;
  constructor() {
    this.proc = spawn('/usr/bin/python3', [
      '-c',
      `import ctypes, sys
libc = ctypes.CDLL(None)
print("ready", flush=True)
n = 0
for line in sys.stdin:
    libc.syscall(${NR_GETPPID}, ctypes.c_uint64(int(line)), ctypes.c_uint64(${MAGIC}))
    n += 1
print("done", n, flush=True)`,
    ]);
    this.#lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }
  get pid(): number {
    return this.proc.pid!;
  }
  async next(): Promise<string> {
    return (await this.#lines.next()).value as string;
  }
  run(values: number[]): void {
    this.proc.stdin.end(values.join('\n') + '\n');
  }
  [Symbol.dispose](): void {
    this.proc.kill('SIGKILL');
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bpfleet-bpftrace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!available && !CI)('runBpftrace on the kernel', () => {
  it('reports its version', async () => {
    expect(await bpftraceVersion()).toMatch(/^bpftrace v\d+\.\d+/);
  });

  it('counts exactly the N getppid calls of the workload, and their printf lines', async () => {
    const N = 137;
    using w = new Workload();
    expect(await w.next()).toBe('ready');
    let workloadDone: Promise<string> | undefined;
    const run = await runBpftrace({
      program: `tracepoint:syscalls:sys_enter_getppid /pid == ${w.pid}/ { @[comm] = count(); printf("getppid %d\\n", pid); }`,
      durationMs: 3_000,
      onAttached: () => {
        w.run(Array.from({ length: N }, (_, i) => i));
        workloadDone = w.next();
      },
    });
    expect(await workloadDone).toBe(`done ${N}`);
    expect(run.aborted).toBe(false);
    expect(run.killed).toBe(false);
    expect(run.output.attachedProbes).toBe(1);
    expect(run.stats.attachMs).toBeGreaterThan(0);
    expect(run.stats.tracedMs).toBeGreaterThanOrEqual(2_900);
    expect(countsFromOutput(run.output, { keys: ['comm'] })).toEqual({
      kind: 'counts',
      keys: ['comm'],
      rows: [{ comm: 'python3', count: N }],
      total: N,
    });
    const events = eventsFromOutput(run.output);
    expect(events.total).toBe(N);
    expect(events.rows[0]).toEqual({ line: `getppid ${w.pid}` });
  });

  it('turns hist() of known values into log2 buckets with matching counts', async () => {
    // 1000 values: 500 × 3, 300 in [100, 200), 190 in [5000, 6000), 10 × 1_000_000.
    const values = [
      ...Array<number>(500).fill(3),
      ...Array.from({ length: 300 }, (_, i) => 100 + (i % 100)),
      ...Array.from({ length: 190 }, (_, i) => 5000 + i * 5),
      ...Array<number>(10).fill(1_000_000),
    ];
    using w = new Workload();
    expect(await w.next()).toBe('ready');
    let workloadDone: Promise<string> | undefined;
    const filter = `/pid == ${w.pid} && args->id == ${NR_GETPPID} && args->args[1] == ${MAGIC}/`;
    const run = await runBpftrace({
      program: `tracepoint:raw_syscalls:sys_enter ${filter} { @h = hist(args->args[0]); @mn = min(args->args[0]); @mx = max(args->args[0]); @sum = sum(args->args[0]); }`,
      durationMs: 2_500,
      onAttached: () => {
        w.run(values);
        workloadDone = w.next();
      },
    });
    expect(await workloadDone).toBe(`done ${values.length}`);
    const expected = new Map<number, number>();
    for (const v of values) expected.set(log2Index(v), (expected.get(log2Index(v)) ?? 0) + 1);
    const h = histogramFromOutput(run.output, 'ns', { map: '@h' });
    expect(h.count).toBe(values.length);
    expect(h.buckets).toEqual(
      [...expected.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([i, count]) => ({ lo: i === 0 ? 0 : 2 ** (i - 1), hi: i === 0 ? 1 : 2 ** i, count })),
    );
    // Exact extremes and sum from min()/max()/sum(); percentiles stay inside the right log2 bucket.
    const exact = histogramFromOutput(run.output, 'ns', {
      map: '@h',
      exact: { min: run.output.maps['@mn'] as number, max: run.output.maps['@mx'] as number, sum: run.output.maps['@sum'] as number },
    });
    expect(exact).toMatchObject({ min: 3, max: 1_000_000, sum: values.reduce((a, b) => a + b, 0) });
    const sorted = [...values].sort((a, b) => a - b);
    for (const [name, q] of [['p50', 0.5], ['p90', 0.9], ['p99', 0.99], ['p999', 0.999]] as const) {
      const truth = sorted[Math.ceil(q * sorted.length) - 1]!;
      expect(exact[name], name).toBeGreaterThanOrEqual(truth / 2);
      expect(exact[name], name).toBeLessThanOrEqual(truth * 2);
    }
  });

  it('rejects a syntax error with a BpftraceError carrying bpftrace’s message', async () => {
    const err = await runBpftrace({ program: 'BEGIN { @x = count( }', durationMs: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BpftraceError);
    const e = err as BpftraceError;
    expect(e.message).toMatch(/syntax error/);
    expect(e.errors.some((l) => /ERROR: syntax error/.test(l))).toBe(true);
    expect(e.message).not.toMatch(/RLIMIT_MEMLOCK/);
    expect(e.exitCode).not.toBe(0);
  });

  it('rejects an unknown probe with its message', async () => {
    await expect(runBpftrace({ program: 'tracepoint:nope:nope { }', durationMs: 1000 })).rejects.toThrow(/tracepoint not found: nope:nope/);
  });

  it('returns promptly, with the maps printed so far, when aborted mid-run', async () => {
    const ac = new AbortController();
    const t0 = performance.now();
    const run = await runBpftrace({
      program: 'tracepoint:syscalls:sys_enter_getppid { @c = count(); } interval:ms:100 { @ticks = count(); }',
      durationMs: 60_000,
      signal: ac.signal,
      onAttached: () => setTimeout(() => ac.abort(), 500),
    });
    const elapsed = performance.now() - t0;
    expect(run.aborted).toBe(true);
    expect(run.killed).toBe(false);
    expect(run.stats.tracedMs).toBeLessThan(2_000);
    expect(elapsed).toBeLessThan(10_000);
    expect(run.output.maps['@ticks']).toBeGreaterThanOrEqual(2);
  });

  it('returns at once when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const t0 = performance.now();
    const run = await runBpftrace({ program: 'BEGIN { }', durationMs: 60_000, signal: ac.signal });
    expect(run.aborted).toBe(true);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});

describe('runBpftrace process handling (fake bpftrace)', () => {
  it('SIGKILLs a bpftrace that ignores SIGINT', async () => {
    const fake = join(dir, 'stubborn-bpftrace');
    writeFileSync(
      fake,
      `#!/usr/bin/env python3
import select, signal
signal.signal(signal.SIGINT, signal.SIG_IGN)
print('{"type": "attached_probes", "data": {"probes": 1}}', flush=True)
select.epoll().poll(30)  # blocked in epoll_wait, like bpftrace's event loop
`,
    );
    chmodSync(fake, 0o755);
    const t0 = performance.now();
    const run = await runBpftrace({ program: 'BEGIN {}', durationMs: 100, killAfterMs: 300, bpftracePath: fake });
    expect(run.killed).toBe(true);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('throws NotSupportedError when bpftrace is missing', async () => {
    await expect(runBpftrace({ program: 'BEGIN {}', durationMs: 100, bpftracePath: join(dir, 'no-such-bpftrace') })).rejects.toBeInstanceOf(
      NotSupportedError,
    );
    expect(await bpftraceAvailable(join(dir, 'no-such-bpftrace'))).toBe(false);
  });
});
