import { char, defineStruct, u16, u64 } from '../../../bpf/src/index.js';
import { familyName } from '../runtime/net.js';
import { defineRunner } from '../runtime/runner.js';
import { countsCollector, directionName } from '../runtime/sockets.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { sofamily } from './sofamily.schema.js';

/** Mirrors `struct family_key` of sofamily.h. */
export const FamilyKey = defineStruct({ comm: char(16), family: u16, direction: u16 });

/**
 * sofamily: rows `{ comm, family, direction, count }` sorted by count descending; `direction` is `connect`
 * (every connect() call, by the family of the address it named) or `accept` (every accept that returned a
 * connection, by the peer's family). `lostEvents` counts calls whose sockaddr could not be read and counts
 * lost to a full map (10 240 keys).
 */
export default defineRunner(sofamily, {
  layouts: { counts: { key: FamilyKey, value: u64 } },
  rodata: taskFilterRodata,
  collector: (obj) =>
    countsCollector(obj.map('counts'), ['comm', 'family', 'direction'], (k) => {
      const key = FamilyKey.decode(k);
      return { comm: key.comm, family: familyName(key.family), direction: directionName(key.direction) };
    }),
});
