import { beforeAll, expect, it } from 'vitest';
import { createCgroup } from '../../../../test/support/cgroup.js';
import { compileWorkload, describeKernel } from '../../../../test/support/kernel.js';
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

  it('failedOnly counts only failing calls', async () => {
    const result = await trace(500, (pid) => ({ pid, failedOnly: true }));
    expect(result.rows.find((r) => r.syscall === 'getppid')).toBeUndefined();
  });
});
