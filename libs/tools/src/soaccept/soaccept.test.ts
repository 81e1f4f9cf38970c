import { expect, it } from 'vitest';
import { describeKernel } from '../../../../test/support/kernel.js';
import { traceSoNet } from '../../../../test/support/so-net.js';
import soaccept from './soaccept.js';

const COMM = 'soaccept-net';
const N = 13;

describeKernel('soaccept on the real kernel', () => {
  for (const [how, call] of [
    ['addr', 'accept(fd, &addr, &len): the peer from the sockaddr the kernel filled'],
    ['null', 'accept4(fd, NULL, NULL, 0): the peer from the new socket'],
  ] as const) {
    it(`reports ${N} connections accepted by ${call}, plus the failed accept (EINVAL) but not the empty poll (EAGAIN)`, async () => {
      const { result, pid, report } = await traceSoNet(soaccept, COMM, ['accept', String(N), how], (p) => ({ pid: p }));
      const listen = report.port('listen');
      const clients = report.ports('client');
      expect(clients).toHaveLength(N);

      const accepted = result.rows.slice(0, N);
      expect(accepted.map((r) => r.rport)).toEqual(clients);
      for (const row of accepted) {
        expect(row).toMatchObject({ pid, comm: COMM, family: 'AF_INET', raddr: '127.0.0.1', lport: listen, result: 'OK' });
      }
      expect(result.rows.slice(N)).toEqual([
        { ts: expect.any(String), pid, comm: COMM, family: 'AF_INET', raddr: '', rport: null, lport: report.port('notlistening'), result: 'EINVAL' },
      ]);
      expect(result.dropped).toBe(0);
    });
  }

  it('reports IPv6 peers with their ports, and AF_UNIX peers by name (unnamed: empty) without ports', async () => {
    const { result, report } = await traceSoNet(soaccept, COMM, ['families', '2', '3', '4'], (pid) => ({ pid }));
    const [a, b, c, d, e] = report.ports('client');
    const ipv4 = (rport?: number) => ({ family: 'AF_INET', raddr: '127.0.0.1', rport, lport: report.port('listen4'), result: 'OK' });
    const ipv6 = (rport?: number) => ({ family: 'AF_INET6', raddr: '::1', rport, lport: report.port('listen6'), result: 'OK' });
    const [named1, named3] = report.texts('unix_client');
    const unix = (raddr: string) => ({ family: 'AF_UNIX', raddr, rport: null, lport: null, result: 'OK' });

    expect(result.rows.map(({ family, raddr, rport, lport, result }) => ({ family, raddr, rport, lport, result }))).toEqual([
      ipv4(a), ipv4(b), ipv6(c), ipv6(d), ipv6(e),
      // Accepted with an address (the first two) and with NULL (read from the socket: the last two).
      unix(''), unix(`@${named1}`), unix(''), unix(`@${named3}`),
    ]);
  });
});
