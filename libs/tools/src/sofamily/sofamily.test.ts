import { expect, it } from 'vitest';
import { describeKernel } from '../../../../test/support/kernel.js';
import { traceSoNet } from '../../../../test/support/so-net.js';
import sofamily from './sofamily.js';

const COMM = 'sofamily-net';

describeKernel('sofamily on the real kernel', () => {
  it('counts 3 IPv4, 2 IPv6 and 5 AF_UNIX connects and accepts by family and direction', async () => {
    const { result } = await traceSoNet(sofamily, COMM, ['families', '3', '2', '5'], () => ({ comm: COMM }));

    expect(result.keys).toEqual(['comm', 'family', 'direction']);
    // Every other accept passes NULL for the address: those are read from the new socket.
    expect(result.rows).toEqual([
      { comm: COMM, family: 'AF_UNIX', direction: 'accept', count: 5 },
      { comm: COMM, family: 'AF_UNIX', direction: 'connect', count: 5 },
      { comm: COMM, family: 'AF_INET', direction: 'accept', count: 3 },
      { comm: COMM, family: 'AF_INET', direction: 'connect', count: 3 },
      { comm: COMM, family: 'AF_INET6', direction: 'accept', count: 2 },
      { comm: COMM, family: 'AF_INET6', direction: 'connect', count: 2 },
    ]);
    expect(result.total).toBe(20);
  });

  it('counts every connect call whatever it returns (refused, in progress), and no accept that none made', async () => {
    const { result } = await traceSoNet(sofamily, COMM, ['connect', '4', '3'], (pid) => ({ pid }));

    expect(result.rows).toEqual([{ comm: COMM, family: 'AF_INET', direction: 'connect', count: 4 + 3 + 1 }]);
  });
});
