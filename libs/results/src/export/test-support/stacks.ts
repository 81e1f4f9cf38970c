import type { StacksResult } from '../../../../contracts/src/index.js';

/**
 * A profile with known answers for the stack exports. Frames innermost first. The first two stacks differ
 * only in pid, tid and symbol offsets, so they share a folded path (5 + 3 = 8) and every Location; the
 * third has an unnamed frame; the fourth is kernel-only with a kernel module's frame. Total 11.
 */
export const profileStacks = (unit: StacksResult['unit'] = 'samples'): StacksResult => ({
  kind: 'stacks',
  unit,
  stacks: [
    {
      pid: 10,
      tid: 11,
      comm: 'app',
      count: 5,
      frames: [
        { symbol: 'do_sys_poll', module: '[kernel]', offset: 0x20 },
        { symbol: 'poll', module: '/usr/lib/libc.so.6', offset: 4 },
        { symbol: 'main', module: '/usr/bin/app', offset: 8 },
      ],
    },
    {
      pid: 20,
      tid: 21,
      comm: 'app',
      count: 3,
      frames: [
        { symbol: 'do_sys_poll', module: '[kernel]', offset: 0x24 },
        { symbol: 'poll', module: '/usr/lib/libc.so.6', offset: 6 },
        { symbol: 'main', module: '/usr/bin/app', offset: 8 },
      ],
    },
    {
      pid: 10,
      tid: 10,
      comm: 'app',
      count: 2,
      frames: [
        { symbol: '[unknown]', module: '/usr/bin/app', offset: 0x1f0 },
        { symbol: 'main', module: '/usr/bin/app', offset: 12 },
      ],
    },
    {
      pid: 7,
      comm: 'kworker/0:1',
      count: 1,
      frames: [
        { symbol: 'ext4_sync_file', module: '[ext4]', offset: 0x10 },
        { symbol: 'worker_thread', module: '[kernel]', offset: 0x30 },
      ],
    },
  ],
  total: 11,
});

export const noStacks = (unit: StacksResult['unit'] = 'samples'): StacksResult => ({ kind: 'stacks', unit, stacks: [], total: 0 });
