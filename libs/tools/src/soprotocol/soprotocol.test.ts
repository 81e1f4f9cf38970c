import { expect, it } from 'vitest';
import { describeKernel } from '../../../../test/support/kernel.js';
import { traceSoNet } from '../../../../test/support/so-net.js';
import soprotocol from './soprotocol.js';
import type { SoprotocolParams } from './soprotocol.schema.js';

const COMM = 'soprotocol-net';
const TCP = 7;
const UDP = 5;

describeKernel('soprotocol on the real kernel', () => {
  const trace = (args: string[], direction: SoprotocolParams['direction']) =>
    traceSoNet(soprotocol, COMM, args, (pid) => ({ pid, direction }));

  it(`counts ${TCP} TCP and ${UDP} UDP connects (connect() on datagram sockets)`, async () => {
    const { result } = await trace(['protocols', String(TCP), String(UDP)], 'connect');

    expect(result.keys).toEqual(['comm', 'protocol']);
    expect(result.rows).toEqual([
      { comm: COMM, protocol: 'TCP', count: TCP },
      { comm: COMM, protocol: 'UDP', count: UDP },
    ]);
    expect(result.total).toBe(TCP + UDP);
  });

  it('counts accepted connections with the connects by default, and alone with direction accept', async () => {
    const both = await trace(['protocols', String(TCP), String(UDP)], 'both');
    expect(both.result.rows).toEqual([
      { comm: COMM, protocol: 'TCP', count: 2 * TCP },
      { comm: COMM, protocol: 'UDP', count: UDP },
    ]);

    const accepted = await trace(['protocols', String(TCP), String(UDP)], 'accept');
    expect(accepted.result.rows).toEqual([{ comm: COMM, protocol: 'TCP', count: TCP }]);
  });

  it('counts TCP over IPv4 and IPv6 as one protocol, and AF_UNIX sockets under their family', async () => {
    const { result } = await trace(['families', '2', '3', '4'], 'both');

    expect(result.rows).toEqual([
      { comm: COMM, protocol: 'TCP', count: 2 * (2 + 3) },
      { comm: COMM, protocol: 'AF_UNIX', count: 2 * 4 },
    ]);
  });
});
