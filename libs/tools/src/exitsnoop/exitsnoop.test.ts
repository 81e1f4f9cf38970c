import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { compileWorkload, describeKernel } from '../../../../test/support/kernel.js';
import { traceWorkload } from '../../../../test/support/tools.js';
import exitsnoop from './exitsnoop.js';
import type { ExitsnoopParams } from './exitsnoop.schema.js';

const COMM = 'exitsnoopw';
const SIGKILL = 9;
const SIGTERM = 15;
const SIGABRT = 6;
const SIGSEGV = 11;

/** The children of exits.c, in its order: how each process ends, after how many ms. */
const CHILDREN = [
  { exitCode: 0, signal: 0, ms: 100 },
  { exitCode: 1, signal: 0, ms: 150 },
  { exitCode: 2, signal: 0, ms: 200 },
  { exitCode: 0, signal: SIGKILL, ms: 100 },
  { exitCode: 0, signal: SIGTERM, ms: 150 },
  { exitCode: 0, signal: SIGABRT, ms: 200, core: false }, // RLIMIT_CORE 0
  { exitCode: 0, signal: SIGSEGV, ms: 250, core: true }, // RLIMIT_CORE unlimited, cwd our directory
  { exitCode: 7, signal: 0, ms: 250, extraThreadsEndingAt: [100, 150, 200] },
  { exitCode: 9, signal: 0, ms: 250, leaderEndsAt: 100 }, // exited by a thread other than its leader
];

type ExitRow = {
  ts: string;
  pid: number;
  tid: number;
  ppid: number;
  comm: string;
  exitCode: number;
  signal: number;
  coreDumped: boolean;
  lifetimeMs: number;
};

/**
 * Whether a core is certain (written by the kernel itself into the child's cwd, our directory) or certainly
 * absent (RLIMIT_CORE 0 stops any dump except to a pipe helper, which ignores the limit).
 */
const corePattern = readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim();
const coreCertain = !corePattern.startsWith('|') && !corePattern.includes('/');
const noCoreCertain = !corePattern.startsWith('|');

/** The measured lifetime covers the known sleep, plus at most 10 % of it for fork, wake-up and exit. */
function expectLifetime(row: ExitRow, ms: number): void {
  expect(row.lifetimeMs, `lifetime of ${row.tid} (expected ${ms} ms)`).toBeGreaterThanOrEqual(ms);
  expect(row.lifetimeMs, `lifetime of ${row.tid} (expected ${ms} ms)`).toBeLessThanOrEqual(ms * 1.1);
}

const sameEnd = (row: ExitRow, c: { exitCode: number; signal: number }) => row.exitCode === c.exitCode && row.signal === c.signal;

describeKernel('exitsnoop on the real kernel', () => {
  let binary: string;
  let dir: string;

  beforeAll(() => {
    binary = compileWorkload('exits', COMM);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs exits.c under exitsnoop (its comm and `params`): the parent's row, its children's rows. */
  async function traceExits(params: Partial<ExitsnoopParams>) {
    dir = mkdtempSync(join(tmpdir(), 'exitsnoop-'));
    const out = await traceWorkload(exitsnoop, { file: binary, args: [dir] }, () => ({ comm: COMM, ...params }));
    if (out.result.kind !== 'events') throw new Error('expected events');
    const rows = out.result.rows as ExitRow[];
    for (const r of rows) expect(r.comm).toBe(COMM);
    return {
      parent: rows.filter((r) => r.pid === out.pid),
      children: rows.filter((r) => r.ppid === out.pid),
      rows,
      dropped: out.result.dropped,
      stopReason: out.stats.stopReason,
    };
  }

  it('one row per process: exit code or signal, core dump and lifetime of each child, and the parent', async () => {
    const { parent, children, rows, dropped } = await traceExits({});

    expect(rows).toHaveLength(CHILDREN.length + 1);
    expect(dropped).toBe(0);
    expect(parent).toEqual([expect.objectContaining({ tid: parent[0]!.pid, ppid: process.pid, exitCode: 0, signal: 0, coreDumped: false })]);
    expect(new Set(children.map((r) => r.pid)).size).toBe(CHILDREN.length);
    for (const c of CHILDREN) {
      const matching = children.filter((r) => sameEnd(r, c));
      expect(matching, `child ending ${JSON.stringify(c)}`).toHaveLength(1);
      const row = matching[0]!;
      expectLifetime(row, c.ms);
      // The process ends with its last thread; only where the leader ended first is that another thread.
      expect(row.tid === row.pid).toBe(c.leaderEndsAt === undefined);
      if (c.core === undefined || (c.core ? coreCertain : noCoreCertain)) expect(row.coreDumped).toBe(c.core ?? false);
      expect(Date.parse(row.ts)).toBeGreaterThan(Date.now() - 60_000);
    }
    if (coreCertain) expect(readdirSync(dir).filter((f) => f.startsWith('core'))).toHaveLength(1);
    console.log(`exitsnoop lifetimes (ms): ${children.map((r) => `${r.exitCode}/${r.signal}: ${r.lifetimeMs}`).join(', ')}; core_pattern ${corePattern}`);
  });

  it('failedOnly leaves out the exits with code 0 (the parent and one child)', async () => {
    const { parent, children } = await traceExits({ failedOnly: true });

    expect(parent).toEqual([]);
    const failed = CHILDREN.filter((c) => c.exitCode !== 0 || c.signal !== 0);
    expect(children).toHaveLength(failed.length);
    for (const c of failed) expect(children.filter((r) => sameEnd(r, c))).toHaveLength(1);
  });

  it('threads: every thread exit, each with its own lifetime and the status wait(2) would give it', async () => {
    const { parent, children } = await traceExits({ threads: true });

    expect(parent).toHaveLength(1);
    const extraThreads = CHILDREN.reduce((n, c) => n + (c.extraThreadsEndingAt?.length ?? 0) + (c.leaderEndsAt ? 1 : 0), 0);
    expect(children).toHaveLength(CHILDREN.length + extraThreads);
    // Each child's threads, in the order they ended: its last one ends the process as exits.c says.
    const processes = [...Map.groupBy(children, (r) => r.pid).values()].map((rows) => rows.sort((a, b) => a.lifetimeMs - b.lifetimeMs));
    expect(processes).toHaveLength(CHILDREN.length);
    for (const c of CHILDREN) {
      const matching = processes.filter((threads) => sameEnd(threads.at(-1)!, c));
      expect(matching, `child ending ${JSON.stringify(c)}`).toHaveLength(1);
      const threads = matching[0]!;
      expect(new Set(threads.map((r) => r.tid)).size).toBe(threads.length);
      if (c.extraThreadsEndingAt) {
        // Three threads that returned (code 0), then the leader's exit(7).
        expect(threads.map((r) => [r.tid === r.pid, r.exitCode])).toEqual([[false, 0], [false, 0], [false, 0], [true, 7]]);
        c.extraThreadsEndingAt.forEach((ms, i) => expectLifetime(threads[i]!, ms));
      } else if (c.leaderEndsAt) {
        // The leader's pthread_exit (code 0), then the other thread's exit(9).
        expect(threads.map((r) => [r.tid === r.pid, r.exitCode])).toEqual([[true, 0], [false, 9]]);
        expectLifetime(threads[0]!, c.leaderEndsAt);
      } else {
        expect(threads.map((r) => r.tid === r.pid)).toEqual([true]);
      }
      expectLifetime(threads.at(-1)!, c.ms);
    }
  });

  it('bounds rows per second in the kernel: past the bound exits are dropped and counted, and the run stops', async () => {
    const bound = 4;
    const { rows, dropped, stopReason } = await traceExits({ maxEventsPerSec: bound });

    // Filters run before the bound, so each of the 10 exits (children and parent) is a row, a drop, or
    // after the run stopped on seeing the drops (the first over the bound exit at 200 ms).
    expect(stopReason).toBe('maxEventsPerSec');
    expect(dropped).toBeGreaterThan(0);
    expect(rows.length + dropped).toBeLessThanOrEqual(CHILDREN.length + 1);
    // All exits fall in one second: the bound, plus a few when two CPUs open the window at once. The
    // bound falls between the exits at 150 ms and those at 200 ms, so no two exits race across it.
    expect(rows.length).toBeGreaterThanOrEqual(bound);
    expect(rows.length).toBeLessThanOrEqual(bound + 2);
  });
});
