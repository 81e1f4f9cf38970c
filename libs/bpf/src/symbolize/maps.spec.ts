import { describe, expect, it } from 'vitest';
import { findMapping, isFileBacked, parseMaps } from './maps.js';

const MAPS = `55d0c0a00000-55d0c0a01000 r--p 00000000 fd:01 1311 /tmp/my prog
55d0c0a01000-55d0c0a02000 r-xp 00001000 fd:01 1311 /tmp/my prog
55d0c0a02000-55d0c0a03000 r--p 00002000 fd:01 1311 /tmp/my prog
55d0c1e1a000-55d0c1e3b000 rw-p 00000000 00:00 0                          [heap]
7f1c2a026000-7f1c2a17b000 r-xp 00026000 fd:01 2501                       /usr/lib/x86_64-linux-gnu/libc.so.6
7f1c2a300000-7f1c2a301000 r-xp 00000000 00:00 0 
7f1c2a400000-7f1c2a402000 r-xp 00002000 fd:01 77 /opt/app/libgone.so (deleted)
7ffd5b3f2000-7ffd5b3f4000 r-xp 00000000 00:00 0                          [vdso]
ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
`;

describe('parseMaps', () => {
  const maps = parseMaps(MAPS);

  it('keeps executable mappings only, with start, end, offset, dev, inode and path', () => {
    expect(maps.map((m) => m.path)).toEqual([
      '/tmp/my prog',
      '/usr/lib/x86_64-linux-gnu/libc.so.6',
      '',
      '/opt/app/libgone.so',
      '[vdso]',
      '[vsyscall]',
    ]);
    expect(maps[0]).toEqual({
      start: 0x55d0c0a01000,
      end: 0x55d0c0a02000,
      offset: 0x1000,
      dev: 'fd:01',
      inode: 1311,
      path: '/tmp/my prog',
      deleted: false,
    });
    expect(maps[1].offset).toBe(0x26000);
  });

  it('flags deleted files and tells file-backed from pseudo and anonymous mappings', () => {
    expect(maps[3]).toMatchObject({ path: '/opt/app/libgone.so', deleted: true });
    expect(maps.map(isFileBacked)).toEqual([true, true, false, true, false, false]);
  });

  it('finds the mapping of an address by binary search', () => {
    expect(findMapping(maps, 0x7f1c2a026000)?.path).toBe('/usr/lib/x86_64-linux-gnu/libc.so.6');
    expect(findMapping(maps, 0x7f1c2a17afff)?.path).toBe('/usr/lib/x86_64-linux-gnu/libc.so.6');
    expect(findMapping(maps, 0x7f1c2a17b000)).toBeUndefined();
    expect(findMapping(maps, 0x55d0c0a00fff)).toBeUndefined(); // in the r--p mapping, not executable
    expect(findMapping(maps, 0x7ffd5b3f2010)?.path).toBe('[vdso]');
    expect(findMapping([], 1)).toBeUndefined();
  });
});
