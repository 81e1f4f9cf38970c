import { describe, expect, it } from 'vitest';
import type { Comparison } from '../api/types.js';
import { renderComparison } from './compare.js';

const side = (id: string, tracedMs: number) => ({
  type: 'job' as const,
  id,
  jobId: id,
  tool: 'syscount',
  durationSec: 10,
  hosts: ['h1', 'h2'],
  runIds: ['r1', 'r2'],
  tracedMs,
});
const common = { tool: 'syscount', normalized: false, sources: { base: side('jb', 20_000), target: side('jt', 20_400) } };
const change = (base: number, target: number) => ({ base, target, delta: target - base, ratio: base === 0 ? null : target / base });
const head = ['syscount: KIND comparison', 'base: job jb (h1, h2), traced 20.0s', 'target: job jt (h1, h2), traced 20.4s', ''];

describe('renderComparison', () => {
  it('counts: the rows with base, target, delta and relative change, the total and what appeared or vanished', () => {
    const comparison: Comparison = {
      ...common,
      kind: 'counts',
      keys: ['syscall'],
      unit: 'count',
      total: change(1010, 2030),
      rows: [
        { syscall: 'getppid', ...change(1000, 2000), change: 'changed' },
        { syscall: 'openat', ...change(0, 30), change: 'appeared' },
        { syscall: 'read', ...change(10, 0), change: 'vanished' },
      ],
      appeared: [{ syscall: 'openat' }],
      vanished: [{ syscall: 'read' }],
    };
    expect(renderComparison(comparison)).toBe(
      [
        ...head.map((line) => line.replace('KIND', 'counts')),
        'syscall   base  target   delta  change',
        'getppid  1,000   2,000  +1,000   +100%  changed',
        'openat       0      30     +30          appeared',
        'read        10       0     -10   -100%  vanished',
        'total (count): 1,010 → 2,030 (+1,020, +101%)',
        '1 keys appeared, 1 vanished',
      ].join('\n'),
    );
  });

  it('histogram: the percentiles side by side and the shift test', () => {
    const summary = (count: number, p50: number) => ({ count, sum: 0, min: 1, max: 100, mean: p50, p50, p90: p50, p99: p50, p999: p50, ratePerSec: null });
    const comparison: Comparison = {
      ...common,
      normalized: true,
      kind: 'histogram',
      unit: 'us',
      base: summary(1000, 100),
      target: summary(1200, 120),
      percentiles: { p50: change(100, 120), p90: change(200, 250), p99: change(400, 400), p999: change(500, 450), max: change(900, 1800) },
      shift: { test: 'mann-whitney-u', u: 1, z: 5.2, pValue: 0.0000123, effect: 0.214, significant: true },
    };
    expect(renderComparison(comparison)).toBe(
      [
        'syscount: histogram comparison (per traced second: the durations differ)',
        ...head.slice(1),
        'us      base  target  delta  change',
        'count  1,000   1,200   +200',
        'p50      100     120    +20    +20%',
        'p90      200     250    +50    +25%',
        'p99      400     400      0      0%',
        'p999     500     450    -50    -10%',
        'max      900   1,800   +900   +100%',
        "shift: mann-whitney-u p=0.000012 (significant), effect (Cliff's delta) +0.21",
      ].join('\n'),
    );
  });

  it('stacks: each function\'s self and total shares on both sides and their change in points', () => {
    const share = (self: number, total: number) => ({ self: self * 1000, total: total * 1000, selfShare: self, totalShare: total });
    const comparison: Comparison = {
      ...common,
      kind: 'stacks',
      unit: 'samples',
      base: { total: 1000 },
      target: { total: 1000 },
      functions: [
        { function: 'slow', module: '/usr/bin/app', base: share(0.2, 0.3), target: share(0.45, 0.5), delta: share(0.25, 0.2) },
        { function: 'fast', module: null, base: share(0.5, 0.6), target: share(0.3, 0.4), delta: share(-0.2, -0.2) },
      ],
      omitted: 0,
    };
    expect(renderComparison(comparison)).toBe(
      [
        ...head.map((line) => line.replace('KIND', 'stacks')),
        'function  module  self base  self target  Δ self  total base  total target  Δ total',
        'slow      app           20%          45%   +25pp         30%           50%    +20pp',
        'fast                    50%          30%   -20pp         60%           40%    -20pp',
        "samples: 1,000 → 1,000; shares of each side's total, most regressed first",
      ].join('\n'),
    );
  });
});
