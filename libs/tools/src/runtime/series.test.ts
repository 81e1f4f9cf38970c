import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeKernel } from '../../../../test/support/kernel.js';
import { runTool } from '../../../../test/support/tools.js';
import { CATALOG } from '../catalog.js';
import { loadTool } from '../runners.js';

/** Every numeric column of the rows summed per key (the key columns' values), as one comparable object. */
function sumByKey(keys: string[], rowLists: Record<string, unknown>[][]): Record<string, Record<string, number>> {
  const sums: Record<string, Record<string, number>> = {};
  for (const row of rowLists.flat()) {
    const sum = (sums[JSON.stringify(keys.map((k) => row[k]))] ??= {});
    for (const [column, value] of Object.entries(row)) if (!keys.includes(column) && typeof value === 'number') sum[column] = (sum[column] ?? 0) + value;
  }
  return sums;
}

const bucketCounts = (bucketLists: { lo: number; count: number }[][]) => {
  const counts: Record<number, number> = {};
  for (const b of bucketLists.flat()) counts[b.lo] = (counts[b.lo] ?? 0) + b.count;
  return counts;
};

/**
 * Every series tool of the catalog on the real kernel, host-wide (or its first example where it needs a probe):
 * a 1.5 s run with `intervalSec: 1` has two intervals, which add up to its whole-window result exactly. This
 * test keeps starting processes and refused TCP connects meanwhile (for the fork/exec probes of funccount's
 * example and the socket tools), other suites keep the CPUs busy; the exact per-interval counts of known
 * work are syscount's and runqlat's own tests.
 */
describeKernel('time series of every series tool', () => {
  let activity: NodeJS.Timeout;
  beforeAll(() => {
    activity = setInterval(() => {
      execFile('true');
      connect(1, '127.0.0.1').on('error', () => {});
    }, 50);
  });
  afterAll(() => clearInterval(activity));

  for (const { definition } of CATALOG.filter((e) => e.definition.series)) {
    it(`${definition.name}: two intervals adding up to the whole`, async () => {
      const tool = (await loadTool(definition.name))!;
      const params = { ...(definition.paramsSchema.required ? definition.examples[0] : {}), intervalSec: 1 };
      const { result } = await runTool(tool, params, { durationMs: 1500 });
      if (result.kind !== 'counts' && result.kind !== 'histogram') throw new Error(`${definition.name} returned ${result.kind}`);
      expect(result.intervalSec).toBe(1);
      const starts = (result.series ?? []).map((interval) => Date.parse(interval.at));
      expect(starts).toHaveLength(2);
      expect(starts[0]).toBeLessThan(starts[1]!);
      const sizes = result.kind === 'counts' ? result.series!.map((i) => i.total) : result.series!.map((i) => i.count);
      console.log(`${definition.name} series: ${JSON.stringify(sizes)} (${result.kind === 'counts' ? 'total' : 'count'} per interval)`);
      if (result.kind === 'counts') {
        const intervals = result.series!;
        expect(sumByKey(result.keys, intervals.map((i) => i.rows))).toEqual(sumByKey(result.keys, [result.rows]));
        expect(intervals.reduce((n, i) => n + i.total, 0)).toBe(result.total);
      } else {
        const intervals = result.series!;
        expect(bucketCounts(intervals.map((i) => i.buckets))).toEqual(bucketCounts([result.buckets]));
        expect(intervals.reduce((n, i) => n + i.count, 0)).toBe(result.count);
        expect(intervals.reduce((n, i) => n + i.sum, 0)).toBeCloseTo(result.sum, 3);
      }
    });
  }

  it('refuses a run of more than 1000 intervals before loading anything', async () => {
    const syscount = (await loadTool('syscount'))!;
    await expect(runTool(syscount, { intervalSec: 1 }, { durationMs: 1_001_000 })).rejects.toThrow(
      'params.intervalSec must be at least 2 for a run of 1001 s (at most 1000 intervals per run)',
    );
  });
});
