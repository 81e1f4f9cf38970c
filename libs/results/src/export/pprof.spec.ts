import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { describe, expect, it } from 'vitest';
import { pprofProfile } from './pprof.js';
import { noStacks, profileStacks } from './test-support/stacks.js';

const decode = (body: Buffer): Profile => Profile.decode(gunzipSync(body));

/** Each sample as a reader sees it: values, function names of its locations in order, labels by key. */
function readSamples(profile: Profile) {
  const text = (index: number | bigint) => profile.stringTable.strings[Number(index)]!;
  const functions = new Map(profile.function.map((fn) => [Number(fn.id), text(fn.name)]));
  const locations = new Map(profile.location.map((location) => [Number(location.id), location]));
  return profile.sample.map((sample) => ({
    value: sample.value.map(Number),
    functions: sample.locationId.map((id) => functions.get(Number(locations.get(Number(id))!.line[0]!.functionId))),
    labels: Object.fromEntries(sample.label.map((label) => [text(label.key), Number(label.str) !== 0 ? text(label.str) : Number(label.num)])),
  }));
}

describe('pprofProfile', () => {
  it('decodes back to one sample per stack with its count, its functions innermost first, and pid/tid/comm labels', () => {
    expect(readSamples(decode(pprofProfile(profileStacks())))).toEqual([
      { value: [5], functions: ['do_sys_poll', 'poll', 'main'], labels: { pid: 10, tid: 11, comm: 'app' } },
      { value: [3], functions: ['do_sys_poll', 'poll', 'main'], labels: { pid: 20, tid: 21, comm: 'app' } },
      { value: [2], functions: ['/usr/bin/app+0x1f0', 'main'], labels: { pid: 10, tid: 10, comm: 'app' } },
      { value: [1], functions: ['ext4_sync_file', 'worker_thread'], labels: { pid: 7, comm: 'kworker/0:1' } },
    ]);
  });

  it('keeps the rules pprof readers check: "" at string 0, ids from 1, every referenced id defined', () => {
    const profile = decode(pprofProfile(profileStacks()));
    expect(profile.stringTable.strings[0]).toBe('');
    expect(profile.location.map((l) => Number(l.id))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(profile.function.map((f) => Number(f.id))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(profile.mapping.map((m) => Number(m.id))).toEqual([1, 2, 3, 4]);
    const functionIds = new Set(profile.function.map((f) => Number(f.id)));
    const mappingIds = new Set(profile.mapping.map((m) => Number(m.id)));
    expect(profile.location.every((l) => mappingIds.has(Number(l.mappingId)) && l.line.every((line) => functionIds.has(Number(line.functionId))))).toBe(true);
  });

  it('puts each location in the mapping of its module, the main binary first, every mapping marked as having function names', () => {
    const profile = decode(pprofProfile(profileStacks()));
    const text = (index: number | bigint) => profile.stringTable.strings[Number(index)];
    expect(profile.mapping.map((m) => text(m.filename))).toEqual(['/usr/bin/app', '[kernel]', '/usr/lib/libc.so.6', '[ext4]']);
    const mappings = new Map(profile.mapping.map((m) => [Number(m.id), m]));
    const functions = new Map(profile.function.map((fn) => [Number(fn.id), text(fn.name)]));
    expect(Object.fromEntries(profile.location.map((l) => [functions.get(Number(l.line[0]!.functionId)), text(mappings.get(Number(l.mappingId))!.filename)]))).toEqual({
      do_sys_poll: '[kernel]',
      poll: '/usr/lib/libc.so.6',
      main: '/usr/bin/app',
      '/usr/bin/app+0x1f0': '/usr/bin/app',
      ext4_sync_file: '[ext4]',
      worker_thread: '[kernel]',
    });
    expect(profile.mapping.every((m) => m.hasFunctions)).toBe(true);
  });

  it.each([
    ['samples', 'samples', 'count'],
    ['us', 'off_cpu', 'microseconds'],
    ['events', 'events', 'count'],
  ] as const)('names the sample type of unit %s as %s/%s, also the period type and default', (unit, type, typeUnit) => {
    const profile = decode(pprofProfile(profileStacks(unit)));
    const text = (index: number | bigint) => profile.stringTable.strings[Number(index)];
    expect(profile.sampleType.map((t) => [text(t.type), text(t.unit)])).toEqual([[type, typeUnit]]);
    expect([text(profile.periodType!.type), text(profile.periodType!.unit), Number(profile.period), text(profile.defaultSampleType)]).toEqual([type, typeUnit, 1, type]);
  });

  it('is a valid profile with its sample type and no samples for a result with no stacks', () => {
    const profile = decode(pprofProfile(noStacks('us')));
    expect(profile.sample).toEqual([]);
    expect(profile.location).toEqual([]);
    expect(profile.sampleType.map((t) => profile.stringTable.strings[Number(t.type)])).toEqual(['off_cpu']);
  });
});
