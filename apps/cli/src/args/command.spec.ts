import { describe, expect, it } from 'vitest';
import { splitCommand } from './command.js';

describe('splitCommand', () => {
  it('splits at the first --, leaving later ones to the command', () => {
    expect(splitCommand(['run', 'syscount', '--host', 'h1', '--', 'sh', '-c', 'x', '--', 'y'])).toEqual({
      args: ['run', 'syscount', '--host', 'h1'],
      command: ['sh', '-c', 'x', '--', 'y'],
    });
  });

  it('has no command without --, and an empty one after a bare --', () => {
    expect(splitCommand(['tools'])).toEqual({ args: ['tools'] });
    expect(splitCommand(['run', 'x', '--'])).toEqual({ args: ['run', 'x'], command: [] });
  });
});
