import { describe, expect, it } from 'vitest';
import { funccount } from '../funccount/funccount.schema.js';
import { stackcount } from '../stackcount/stackcount.schema.js';
import { validateParams } from '../validate-params.js';
import { MAX_PROBES, checkProbeSpecs, formatProbeSpec, parseProbeSpec } from './spec.js';

const wild = { wildcards: true };

describe('probe specs', () => {
  it.each([
    ['t:syscalls:sys_enter_getppid', { type: 'tracepoint', category: 'syscalls', event: 'sys_enter_getppid' }],
    ['t:sched:*', { type: 'tracepoint', category: 'sched', event: '*' }],
    ['u:libc:malloc*', { type: 'uprobe', target: 'libc', func: 'malloc*' }],
    ['r:/usr/lib/x86_64-linux-gnu/libc.so.6:memcpy@GLIBC_2.14', { type: 'uretprobe', target: '/usr/lib/x86_64-linux-gnu/libc.so.6', func: 'memcpy@GLIBC_2.14' }],
    ['u:libstdc++:_ZNSt6vectorIiSaIiEE9push_backEOi', { type: 'uprobe', target: 'libstdc++', func: '_ZNSt6vectorIiSaIiEE9push_backEOi' }],
    ['usdt:/usr/bin/python3.11:python:function__entry', { type: 'usdt', target: '/usr/bin/python3.11', provider: 'python', probe: 'function__entry' }],
    ['k:do_nanosleep', { type: 'kprobe', func: 'do_nanosleep' }],
    ['kr:vfs_read.isra.0', { type: 'kretprobe', func: 'vfs_read.isra.0' }],
  ])('%s parses, and formats back', (text, spec) => {
    expect(parseProbeSpec(text, wild)).toEqual(spec);
    expect(formatProbeSpec(parseProbeSpec(text, wild))).toBe(text);
  });

  it.each([
    ['u:../../etc/passwd:x', /binary .* must be an absolute path or a library name/],
    ['u:/usr/lib/../../etc/passwd:x', /must not hold "\." or "\.\." segments/],
    ['u:/usr/./bin/ls:main', /must not hold "\." or "\.\." segments/],
    ['u:/bin/ls;rm -rf /:main', /binary path .* may only hold letters, digits and _ \. \/ \+ @ -/],
    ['u:/bin/$(reboot):main', /may only hold/],
    ['u:libc`id`:malloc', /library name .* may only hold/],
    ['u:libc:malloc;id', /function "malloc;id" is not an identifier/],
    ['u:libc:mal loc', /is not an identifier/],
    ['t:sched:sched_switch && id', /event .* is not an identifier/],
    ['u:/bin//ls:main', /must name a file/],
    ['u:/bin/:main', /must name a file/],
    ['u:libc:ma\u0000lloc', /control character/],
    ['x:libc:malloc', /unknown probe type "x": expected t, u, r, usdt, k or kr/],
    ['p:do_nanosleep', /unknown probe type "p"/],
    ['uprobe:libc:malloc', /unknown probe type "uprobe"/],
    ['constructor:a:b', /unknown probe type "constructor"/],
    ['u::malloc', /the binary of u:BINARY:FUNCTION is empty/],
    ['u:libc:', /the function of u:BINARY:FUNCTION is empty/],
    ['t::', /the category of t:CATEGORY:EVENT is empty/],
    ['usdt:/usr/bin/python3.11::x', /the provider of usdt:BINARY:PROVIDER:PROBE is empty/],
    ['', /unknown probe type ""/],
    ['t:sched', /does not have the form t:CATEGORY:EVENT/],
    ['u:libc:malloc:extra', /does not have the form u:BINARY:FUNCTION/],
    ['t:sch*:sched_switch', /category "sch\*": wildcards \(\*\) are not allowed here/],
    ['usdt:/usr/bin/python3.11:python:function__*', /probe "function__\*": wildcards/],
    [`u:/${'a'.repeat(1100)}:f`, /binary path is longer than 1024 characters/],
    [`u:libc:${'f'.repeat(300)}`, /function is longer than 256 characters/],
  ])('refuses %j naming the part', (text, message) => {
    expect(() => parseProbeSpec(text, wild)).toThrow(message);
  });

  it('refuses wildcards where a tool takes none', () => {
    expect(() => parseProbeSpec('u:libc:malloc*', { wildcards: false })).toThrow(/function "malloc\*": wildcards \(\*\) are not allowed here/);
    expect(() => parseProbeSpec('k:vfs_*', { wildcards: false })).toThrow(/wildcards/);
  });

  it('names the field of each bad spec in a list, and the single-spec field', () => {
    expect(checkProbeSpecs(['t:sched:sched_switch', 'u:libc:malloc', 'u:../x:f'], 'params.probes', wild)).toEqual([
      { field: 'params.probes.2', message: expect.stringContaining('must be an absolute path') },
    ]);
    expect(checkProbeSpecs('q:x', 'params.probe', wild)).toEqual([{ field: 'params.probe', message: expect.stringContaining('unknown probe type') }]);
  });
});

describe('funccount and stackcount params', () => {
  it('a hostile spec is a 400 naming its index; too many specs name the list', () => {
    expect(validateParams(funccount, { probes: ['u:libc:getpid', 'u:../../etc/passwd:x'] })).toEqual([
      { field: 'params.probes.1', message: expect.stringContaining('absolute path') },
    ]);
    const many = Array.from({ length: 10_000 }, (_, i) => `u:libc:f${i}`);
    expect(validateParams(funccount, { probes: many })).toEqual([{ field: 'params.probes', message: `must NOT have more than ${MAX_PROBES} items` }]);
    expect(validateParams(funccount, { probes: [] })).toEqual([{ field: 'params.probes', message: 'must NOT have fewer than 1 items' }]);
    expect(validateParams(stackcount, { probe: 'u:libc:malloc|id' })).toEqual([{ field: 'params.probe', message: expect.stringContaining('not an identifier') }]);
  });

  it('requires what the specs use', () => {
    const params = { probes: ['u:libc:getpid', 't:sched:sched_switch', 'usdt:/usr/bin/python3.11:python:function__entry', 'kr:vfs_read'] };
    expect(validateParams(funccount, params)).toEqual([]);
    expect(funccount.requires(params as never).sort()).toEqual(['btf', 'kprobe', 'tracepoint', 'uprobe', 'usdt']);
    expect(stackcount.requires({ probe: 'u:libc:malloc', stack: 'user' })).toEqual(['btf', 'ringBuffer', 'uprobe']);
  });
});
