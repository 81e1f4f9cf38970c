import { describe, expect, it } from 'vitest';
import { foldedStacks } from './folded.js';
import { noStacks, profileStacks } from './test-support/stacks.js';

describe('foldedStacks', () => {
  it('writes one root-first line per distinct path, merging stacks that share one', () => {
    expect(foldedStacks(profileStacks())).toBe(
      [
        'app;main;poll;do_sys_poll_[k] 8',
        'app;main;/usr/bin/app+0x1f0 2',
        'kworker/0:1;worker_thread_[k];ext4_sync_file_[k] 1',
        '',
      ].join('\n'),
    );
  });

  it('every line reads as flamegraph.pl reads it (path, whitespace, integer count) and the counts add up to the total', () => {
    const lines = foldedStacks(profileStacks()).trimEnd().split('\n');
    const parsed = lines.map((line) => /^(.*)\s+?(\d+(?:\.\d*)?)$/.exec(line));
    expect(parsed.every((match) => match !== null)).toBe(true);
    expect(parsed.reduce((sum, match) => sum + Number(match![2]), 0)).toBe(11);
  });

  it('orders equal counts by path, so the same result always gives the same file', () => {
    const result = profileStacks();
    result.stacks = [
      { comm: 'b', count: 1, frames: [{ symbol: 'f', module: '/b' }] },
      { comm: 'a', count: 1, frames: [{ symbol: 'f', module: '/a' }] },
    ];
    expect(foldedStacks(result)).toBe('a;f 1\nb;f 1\n');
  });

  it('keeps a line break in a process name from forging a line of its own', () => {
    const result = profileStacks();
    result.stacks = [{ comm: 'x 999\nfake', count: 1, frames: [{ symbol: 'f', module: '/a' }] }];
    expect(foldedStacks(result)).toBe('x 999 fake;f 1\n');
  });

  it('writes an empty file for a result with no stacks', () => {
    expect(foldedStacks(noStacks())).toBe('');
  });
});
