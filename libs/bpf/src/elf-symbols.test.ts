import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compileWorkload } from '../../../test/support/kernel.js';
import { functionStartAt, readElfFunctionRanges } from './elf-symbols.js';

/** `nm -S`'s address and size of a function of `binary` (the reference the reader is checked against). */
function nmRange(binary: string, name: string): { start: number; size: number } {
  const line = execFileSync('nm', ['-S', binary], { encoding: 'utf8' })
    .split('\n')
    .find((l) => l.endsWith(` ${name}`))!;
  const [start, size] = line.split(' ');
  return { start: parseInt(start!, 16), size: parseInt(size!, 16) };
}

describe('ELF function ranges', () => {
  it('finds the start of the function holding an address, as nm -S gives it', () => {
    const binary = compileWorkload('probe-calls');
    const ranges = readElfFunctionRanges(binary);
    for (const name of ['acc_f1', 'acc_f2', 'main']) {
      const { start, size } = nmRange(binary, name);
      expect(functionStartAt(ranges, start)).toBe(start);
      expect(functionStartAt(ranges, start + size - 1)).toBe(start);
    }
    expect(functionStartAt(ranges, 1)).toBeUndefined();
  });
});
