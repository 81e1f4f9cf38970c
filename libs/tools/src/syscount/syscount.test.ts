import { beforeAll, expect, it } from 'vitest';
import { createCgroup } from '../../../../test/support/cgroup.js';
import { compileWorkload, describeKernel } from '../../../../test/support/kernel.js';
import { burstsBinary, traceBursts } from '../../../../test/support/series-bursts.js';
import { traceWorkload } from '../../../../test/support/tools.js';
import syscount from './syscount.js';
import type { SyscountParams } from './syscount.schema.js';

describeKernel('syscount on the real kernel', () => {
  let binary: string;
  const name = `sc${process.pid % 100000}x`;

  beforeAll(() => {
    binary = compileWorkload('getppid', name);
  });

  /** Traces the getppid workload (exactly n calls once released) with params(pid). */
  async function trace(n: number, params: (pid: number) => Partial<SyscountParams>) {
    const { result } = await traceWorkload(syscount, { file: binary, args: [String(n)] }, params);
    return result;
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

  it('filters by cgroup v2 in the kernel: only the processes inside are counted', async () => {
    const N = 777;
    const cgroup = createCgroup(`bpfleet-syscount-${process.pid}`);
    try {
      let pid = 0;
      const result = await trace(N, (p) => {
        pid = p;
        cgroup.add(p); // still blocked on stdin: everything it counts, it does inside
        return { cgroup: cgroup.path, by: ['syscall', 'pid'] };
      });
      expect(result.rows.filter((r) => r.syscall === 'getppid')).toEqual([{ syscall: 'getppid', pid, count: N }]);
      expect(result.rows.every((r) => r.pid === pid)).toBe(true);
    } finally {
      await cgroup.remove();
    }
  });

  it('intervalSec: each second counts the getppid calls made in it, and the seconds add up to the whole', async () => {
    const binary = burstsBinary(`scb${process.pid % 100000}`);
    // 100 calls at once, none in the second second, 300 in the middle of the third; the workload lives on
    // past the 3 s run (its last step makes no call), so the run ends by its duration: 3 intervals.
    const steps = [
      { offsetMs: 0, rounds: 100 },
      { offsetMs: 2500, rounds: 300 },
      { offsetMs: 3600, rounds: 0 },
    ];
    const { result, roundsPerInterval } = await traceBursts(syscount, binary, steps, 3000, (pid) => ({ pid, intervalSec: 1 }));

    const series = result.series!;
    expect(result.intervalSec).toBe(1);
    expect(series).toHaveLength(3);
    // Where the steps fell (normally [100, 0, 300]): a step never straddles a boundary, or traceBursts fails.
    expect(roundsPerInterval.reduce((a, b) => a + b, 0)).toBe(400);
    const getppids = series.map((interval) => interval.rows.find((r) => r.syscall === 'getppid')?.count ?? 0);
    expect(getppids).toEqual(roundsPerInterval);
    expect(result.rows.find((r) => r.syscall === 'getppid')?.count).toBe(400);

    // The whole window is the sum of the intervals, row by row.
    const summed = new Map<string, number>();
    for (const interval of series) {
      expect(interval.total).toBe(interval.rows.reduce((n, r) => n + (r.count as number), 0));
      for (const r of interval.rows) summed.set(r.syscall as string, (summed.get(r.syscall as string) ?? 0) + (r.count as number));
    }
    expect(Object.fromEntries(summed)).toEqual(Object.fromEntries(result.rows.map((r) => [r.syscall, r.count])));
    expect(series.reduce((n, interval) => n + interval.total, 0)).toBe(result.total);
    const starts = series.map((interval) => Date.parse(interval.at));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    console.log(`syscount series: getppid per interval ${JSON.stringify(getppids)}, starts +${starts.map((t) => t - starts[0]!).join(' ms, +')} ms`);
  });

  it('failedOnly counts only failing calls', async () => {
    const result = await trace(500, (pid) => ({ pid, failedOnly: true }));
    expect(result.rows.find((r) => r.syscall === 'getppid')).toBeUndefined();
  });
});
