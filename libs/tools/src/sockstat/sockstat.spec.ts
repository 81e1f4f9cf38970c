import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOCKET_SYSCALLS } from './sockstat.schema.js';

describe('sockstat syscalls', () => {
  it('lists the syscalls in the order of the BPF side, whose index each key carries', () => {
    const header = readFileSync(join(import.meta.dirname, 'sockstat.h'), 'utf8');
    const list = header.slice(header.indexOf('#define SOCKSTAT_SYSCALLS(X)'), header.indexOf('struct key_t'));
    expect([...list.matchAll(/X\((\w+)\)/g)].map((m) => m[1])).toEqual([...SOCKET_SYSCALLS]);
  });
});
