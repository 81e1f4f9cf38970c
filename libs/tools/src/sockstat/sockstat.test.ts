import { beforeAll, expect, it } from 'vitest';
import { compileWorkload, describeKernel } from '../../../../test/support/kernel.js';
import { traceWorkload } from '../../../../test/support/tools.js';
import sockstat from './sockstat.js';
import { SOCKET_SYSCALLS, type SocketSyscall, type SockstatParams } from './sockstat.schema.js';

/** What one round of sockstat.c with n > 0 connections makes, per syscall (the table of its header). */
function roundCounts(n: number): Record<SocketSyscall, number> {
  const accepts = Math.ceil(n / 3);
  return {
    socket: n + 1,
    socketpair: 1,
    bind: 1,
    listen: 1,
    accept: accepts,
    accept4: n - accepts,
    connect: n,
    getsockname: 1,
    getpeername: 1,
    setsockopt: 1,
    getsockopt: 1,
    sendto: n,
    sendmsg: 2 * n,
    sendmmsg: 1,
    recvfrom: n,
    recvmsg: 2 * n,
    recvmmsg: 1,
    shutdown: n,
  };
}

/** syscall → count of rows (all of one key otherwise), for comparing with {@link roundCounts}. */
const bySyscall = (rows: Record<string, unknown>[]) => Object.fromEntries(rows.map((r) => [r.syscall as string, r.count as number]));

describeKernel('sockstat on the real kernel', () => {
  const name = `sst${process.pid % 100000}`;
  let binary: string;

  beforeAll(() => {
    binary = compileWorkload('sockstat', name);
  });

  const trace = (args: number[], params: (pid: number) => Partial<SockstatParams>) =>
    traceWorkload(sockstat, { file: binary, args: args.map(String) }, params);

  it('counts every socket syscall of a process exactly', async () => {
    const { result } = await trace([10], (pid) => ({ pid }));

    expect(result.keys).toEqual(['syscall']);
    expect(result.rows).toHaveLength(SOCKET_SYSCALLS.length);
    expect(bySyscall(result.rows)).toEqual(roundCounts(10));
    expect(result.total).toBe(Object.values(roundCounts(10)).reduce((a, b) => a + b, 0));
    const counts = result.rows.map((r) => r.count as number);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });

  it('keys by syscall, pid and comm under a comm filter, counting only the syscalls asked for', async () => {
    let pid = 0;
    const { result } = await trace([7], (p) => {
      pid = p;
      return { comm: name, by: ['syscall', 'pid', 'comm'], syscalls: ['connect', 'socket', 'accept4'] };
    });

    expect(result.keys).toEqual(['syscall', 'pid', 'comm']);
    expect(result.rows).toEqual([
      { syscall: 'socket', pid, comm: name, count: 8 },
      { syscall: 'connect', pid, comm: name, count: 7 },
      { syscall: 'accept4', pid, comm: name, count: 4 },
    ]);
  });

  it('intervalSec: a series of the counts per interval, adding up to the whole', async () => {
    // A round at once, then one 1.5 s later: the middle of each of the first two 1 s intervals.
    const { result } = await trace([7, 1500, 11], (pid) => ({ pid, intervalSec: 1 }));

    expect(result.keys).toEqual(['syscall']);
    expect(result.intervalSec).toBe(1);
    expect(result.series).toHaveLength(2);
    const [first, second] = result.series!;
    expect(bySyscall(first!.rows)).toEqual(roundCounts(7));
    expect(bySyscall(second!.rows)).toEqual(roundCounts(11));
    expect(first!.total + second!.total).toBe(result.total);
    const totals = Object.fromEntries(SOCKET_SYSCALLS.map((s) => [s, roundCounts(7)[s] + roundCounts(11)[s]]));
    expect(bySyscall(result.rows)).toEqual(totals);
    expect(Date.parse(first!.at)).toBeLessThan(Date.parse(second!.at));
  });

  it('intervalSec: a process working only in the second interval shows only there', async () => {
    const { result } = await trace([0, 1500, 5], (pid) => ({ pid, intervalSec: 1 }));

    expect(result.series!.map((interval) => interval.rows.length)).toEqual([0, SOCKET_SYSCALLS.length]);
    expect(bySyscall(result.series![1]!.rows)).toEqual(roundCounts(5));
    expect(bySyscall(result.rows)).toEqual(roundCounts(5));
  });
});
