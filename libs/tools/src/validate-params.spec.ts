import { describe, expect, it } from 'vitest';
import { TOOL_CATALOG } from './catalog.js';
import { validateParams } from './validate-params.js';

const syscount = TOOL_CATALOG.get('syscount')!;
const errorsFor = (params: Record<string, unknown>) => validateParams(syscount, params);

describe(validateParams.name, () => {
  it('counts a comm in UTF-8 bytes, as the kernel keeps it: 15 bytes, not 15 characters', () => {
    expect(errorsFor({ comm: 'abcdefghijklmno' })).toEqual([]);
    expect(errorsFor({ comm: 'é'.repeat(7) })).toEqual([]);
    expect(errorsFor({ comm: 'é'.repeat(8) })).toEqual([{ field: 'params.comm', message: 'must not be longer than 15 bytes in UTF-8' }]);
    expect(errorsFor({ comm: '🔥'.repeat(4) })).toEqual([{ field: 'params.comm', message: 'must not be longer than 15 bytes in UTF-8' }]);
  });

  it('refuses a cgroup path with a . or .. segment: it names a cgroup, it never climbs out of the mount', () => {
    for (const cgroup of ['/sys/fs/cgroup/../../etc', '/sys/fs/cgroup/a/..', '/sys/fs/cgroup/./a', '/sys/fs/cgroup/a/../b/']) {
      expect(errorsFor({ cgroup }).map((e) => e.field), cgroup).toEqual(['params.cgroup']);
    }
    for (const cgroup of ['/sys/fs/cgroup', '/sys/fs/cgroup/system.slice/cron.service', '/sys/fs/cgroup/..hidden', '/sys/fs/cgroup/unified/a.b/']) {
      expect(errorsFor({ cgroup }), cgroup).toEqual([]);
    }
  });
});
