import { expect, it } from 'vitest';
import { describeKernel } from '../../../../test/support/kernel.js';
import soconnect from './soconnect.js';
import { traceSoNet } from '../../../../test/support/so-net.js';

const COMM = 'soconnect-net';

describeKernel('soconnect on the real kernel', () => {
  it('reports 9 connects OK, 5 ECONNREFUSED and a non-blocking EINPROGRESS, with address, port and pid', async () => {
    const { result, pid, report } = await traceSoNet(soconnect, COMM, ['connect', '9', '5'], () => ({ comm: COMM }));
    const listen = report.port('listen');
    const refused = report.port('refused');

    expect(result.rows.map((r) => [r.result, r.dport])).toEqual([
      ...Array(9).fill(['OK', listen]),
      ...Array(5).fill(['ECONNREFUSED', refused]),
      ['EINPROGRESS', listen],
    ]);
    for (const row of result.rows) {
      expect(row).toMatchObject({ pid, comm: COMM, family: 'AF_INET', daddr: '127.0.0.1' });
      expect(row.latencyUs).toBeGreaterThanOrEqual(0);
      expect(row.latencyUs, 'a loopback connect takes far less than a second').toBeLessThan(1_000_000);
      expect(Date.parse(row.ts as string)).toBeGreaterThan(Date.now() - 60_000);
    }
    expect(result.dropped).toBe(0);
  });

  it('names IPv6 addresses, AF_UNIX pathnames and @abstract names, the latter without a port', async () => {
    const { result, pid, report } = await traceSoNet(soconnect, COMM, ['families', '2', '3', '4'], (p) => ({ pid: p }));
    const ipv4 = { family: 'AF_INET', daddr: '127.0.0.1', dport: report.port('listen4') };
    const ipv6 = { family: 'AF_INET6', daddr: '::1', dport: report.port('listen6') };
    const path = { family: 'AF_UNIX', daddr: report.text('unix_path'), dport: null };
    const abstract = { family: 'AF_UNIX', daddr: `@${report.text('unix_abstract')}`, dport: null };

    expect(result.rows.map(({ family, daddr, dport }) => ({ family, daddr, dport }))).toEqual([
      ipv4, ipv4, ipv6, ipv6, ipv6, path, abstract, path, abstract,
    ]);
    expect(result.rows.every((r) => r.pid === pid && r.result === 'OK')).toBe(true);
  });

  it('bounds rows per second in the kernel: past the bound connects are dropped and counted, and the run stops', async () => {
    const bound = 4;
    const { result, stats } = await traceSoNet(soconnect, COMM, ['connect', '12', '0'], (pid) => ({ pid, maxEventsPerSec: bound }));

    // 13 connects (12 and the non-blocking one) within a second: each is a row, a drop, or after the run
    // stopped on seeing the drops. Two CPUs opening the window at once may let one more through.
    expect(stats.stopReason).toBe('maxEventsPerSec');
    expect(result.dropped).toBeGreaterThan(0);
    expect(result.rows.length + result.dropped).toBeLessThanOrEqual(13);
    expect(result.rows.length).toBeGreaterThanOrEqual(bound);
    expect(result.rows.length).toBeLessThanOrEqual(bound + 2);
    expect(stats.lostEvents).toBe(result.dropped);
  });
});
