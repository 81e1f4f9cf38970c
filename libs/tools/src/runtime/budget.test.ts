import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EventsResult } from '../../../contracts/src/index.js';
import { describeKernel } from '../../../../test/support/kernel.js';
import { runTool } from '../../../../test/support/tools.js';
import type { ToolRunOutput } from '../definition.js';
import execsnoop from '../execsnoop/execsnoop.js';
import type { ExecsnoopParams } from '../execsnoop/execsnoop.schema.js';

/** Long enough that a run ending by itself can only have been stopped by its budget. */
const DURATION_MS = 20_000;

/**
 * The event budget of every events tool, on execsnoop: a workload execs a uniquely named binary a known
 * number of times, one after the other, each exec's argv carrying its index, so the rows kept are known.
 */
describeKernel('event budgets on the real kernel (execsnoop)', () => {
  let dir: string;
  let binary: string;
  const token = `bpfbudget${process.pid}`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'budget-'));
    binary = join(dir, token);
    copyFileSync('/bin/true', binary);
    chmodSync(binary, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Execs the binary `count` times in turn, with argv [binary, i]. */
  async function execs(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await new Promise((resolve) => spawn(binary, [String(i)], { stdio: 'ignore' }).on('exit', resolve));
    }
  }

  /**
   * Traces our execs with `params` for DURATION_MS while the workload runs `count` execs, ending the run
   * early only when `stopAfterWorkload` (as POST /v1/jobs/:id/stop would); waits for the workload either way.
   */
  async function traceExecs(params: Partial<ExecsnoopParams>, count: number, stopAfterWorkload = false) {
    const ac = new AbortController();
    let workload!: Promise<void>;
    const out: ToolRunOutput = await runTool(execsnoop, { nameContains: token, ...params }, {
      durationMs: DURATION_MS,
      signal: ac.signal,
      onAttached: () => {
        workload = execs(count).then(() => {
          if (stopAfterWorkload) ac.abort();
        });
      },
    });
    await workload;
    if (out.result.kind !== 'events') throw new Error('expected events');
    const result: EventsResult = out.result;
    return { result, stats: out.stats, indexes: result.rows.map((r) => Number((r.args as string[])[1])) };
  }

  it('maxEvents: 5 of 20 execs → exactly the first 5 rows, stopReason maxEvents, ended long before its duration', async () => {
    const { result, stats, indexes } = await traceExecs({ maxEvents: 5 }, 20);
    console.log(`maxEvents 5: rows ${indexes.join(',')}, tracedMs ${stats.tracedMs}; note: ${result.note}`);
    expect(indexes).toEqual([0, 1, 2, 3, 4]);
    expect(result.total).toBe(5);
    expect(result.dropped).toBe(0);
    expect(stats.stopReason).toBe('maxEvents');
    expect(stats.tracedMs).toBeLessThan(DURATION_MS);
    expect(result.note).toMatch(/^stopped after \d+\.\d s at maxEvents: the first 5 events are the rows/);
  });

  it('maxEventsPerSec: 10 under a flood of 100 execs → stops with maxEventsPerSec, keeping the rows received before', async () => {
    const bound = 10;
    const { result, stats, indexes } = await traceExecs({ maxEventsPerSec: bound }, 100);
    console.log(`maxEventsPerSec ${bound}: ${indexes.length} rows, ${result.dropped} dropped, tracedMs ${stats.tracedMs}; note: ${result.note}`);
    // The first window of the bound passes the first 10 execs; the 11th is dropped, and the run stops
    // within a poll of that, its later execs unseen. Each exec is a row, a drop, or after the stop.
    expect(indexes.slice(0, bound)).toEqual(Array.from({ length: bound }, (_, i) => i));
    expect(new Set(indexes).size).toBe(indexes.length);
    expect(result.dropped).toBeGreaterThan(0);
    expect(stats.lostEvents).toBe(result.dropped);
    expect(indexes.length + result.dropped).toBeLessThanOrEqual(100);
    expect(stats.stopReason).toBe('maxEventsPerSec');
    expect(stats.tracedMs).toBeLessThan(DURATION_MS);
    expect(result.note).toMatch(new RegExp(`events came faster than maxEventsPerSec \\(${bound}\\); the kernel dropped ${result.dropped} over that bound`));
  });

  it('a run within its budget keeps every event and has no stopReason nor note', async () => {
    const { result, stats, indexes } = await traceExecs({ maxEvents: 21, maxEventsPerSec: 5000 }, 20, true);
    expect(indexes).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(result.dropped).toBe(0);
    expect(stats.stopReason).toBeUndefined();
    expect(result.note).toBeUndefined();
  });

  it('a budget met exactly stops the run: 20 execs with maxEvents 20', async () => {
    const { stats, indexes } = await traceExecs({ maxEvents: 20 }, 20);
    expect(indexes).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(stats.stopReason).toBe('maxEvents');
    expect(stats.tracedMs).toBeLessThan(DURATION_MS);
  });
});
