import { describe, expect, it } from 'vitest';
import { parseUnistd, syscallName } from './syscall-names.js';

describe('syscall names', () => {
  it('parses unistd_64.h defines', () => {
    const t = parseUnistd('#define __NR_read 0\n#define __NR_getppid 110\n#define __NR_x32 foo\n');
    expect([...t]).toEqual([[0, 'read'], [110, 'getppid']]);
  });
  it('names known x86-64 syscalls and falls back to syscall_<nr>', () => {
    expect(syscallName(99999)).toBe('syscall_99999');
    const n = syscallName(110);
    expect(['getppid', 'syscall_110']).toContain(n);
  });
});
