import { describe, expect, it } from 'vitest';
import { parseThresholds } from './thresholds.js';

describe('parseThresholds', () => {
  it('splits each at its last =, so a name may hold = itself', () => {
    expect(parseThresholds(['p99=+10%', 'syscall=getppid=+20%', 'pid=42,syscall=read=+5%', 'function:foo=+5pp'])).toEqual({
      p99: '+10%',
      'syscall=getppid': '+20%',
      'pid=42,syscall=read': '+5%',
      'function:foo': '+5pp',
    });
  });

  it('refuses a missing name or limit, a name given twice, and no threshold at all', () => {
    expect(() => parseThresholds(['p99'])).toThrow('--threshold: expected NAME=LIMIT like p99=+10% or syscall=read=+5%, got "p99"');
    expect(() => parseThresholds(['=+10%'])).toThrow('got "=+10%"');
    expect(() => parseThresholds(['p99='])).toThrow('got "p99="');
    expect(() => parseThresholds(['p99=+10%', 'p99=+20%'])).toThrow('--threshold: "p99" is given twice');
    expect(() => parseThresholds([])).toThrow('--threshold: give at least one, e.g. --threshold p99=+10%');
  });
});
