import { char, defineStruct, u16, u64 } from '../../../bpf/src/index.js';
import { familyName, protocolName } from '../runtime/net.js';
import { defineRunner } from '../runtime/runner.js';
import { countsCollector, isIpFamily } from '../runtime/sockets.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { soprotocol, type SoprotocolParams } from './soprotocol.schema.js';

/** Mirrors `struct protocol_key` of soprotocol.h. */
export const ProtocolKey = defineStruct({ comm: char(16), family: u16, protocol: u16 });

/** The rodata config of soprotocol.bpf.c for these params. */
export function soprotocolConfig(p: SoprotocolParams) {
  return { ...taskFilterRodata(p), count_connects: p.direction !== 'accept', count_accepts: p.direction !== 'connect' };
}

/**
 * soprotocol: rows `{ comm, protocol, count }` sorted by count descending. `protocol` names an IP socket's
 * protocol (`TCP`, `UDP`, …, over IPv4 and IPv6 alike); a socket of another family, whose protocol number
 * is not an IP protocol, counts under its family (`AF_UNIX`). `lostEvents` counts what a full map
 * (10 240 keys) lost.
 */
export default defineRunner(soprotocol, {
  layouts: { counts: { key: ProtocolKey, value: u64 } },
  rodata: soprotocolConfig,
  collector: (obj) =>
    countsCollector(obj.map('counts'), ['comm', 'protocol'], (k) => {
      const key = ProtocolKey.decode(k);
      return { comm: key.comm, protocol: isIpFamily(key.family) ? protocolName(key.protocol) : familyName(key.family) };
    }),
});
