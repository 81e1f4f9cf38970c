import { describe, expect, it } from 'vitest';
import type { StacksResult } from '../api/results.js';
import { functionCosts, functionName, renderStacks } from './stacks.js';

const APP = '/usr/bin/app';

/** 100 samples: 60 in burn ← hot ← main, 30 in burn ← cold ← main, 10 in an unnamed kernel frame under recursive f. */
const result: StacksResult = {
  kind: 'stacks',
  unit: 'samples',
  total: 100,
  stacks: [
    { frames: [{ symbol: 'burn', module: APP }, { symbol: 'hot', module: APP }, { symbol: 'main', module: APP }], comm: 'app', pid: 5, count: 60 },
    { frames: [{ symbol: 'burn', module: APP }, { symbol: 'cold', module: APP }, { symbol: 'main', module: APP }], comm: 'app', pid: 5, count: 30 },
    {
      frames: [{ symbol: '[unknown]', module: '[kernel]', offset: 0xffff }, { symbol: 'f', module: APP }, { symbol: 'f', module: APP }, { symbol: 'main', module: APP }],
      count: 10,
    },
  ],
};

describe('functionCosts', () => {
  it('sums self where a function is innermost and total where it is on the stack, a recursive one once per stack', () => {
    expect(functionCosts(result)).toEqual([
      { name: 'burn', module: APP, self: 90, total: 90 },
      { name: '[kernel]+0xffff', module: '[kernel]', self: 10, total: 10 },
      { name: 'main', module: APP, self: 0, total: 100 },
      { name: 'hot', module: APP, self: 0, total: 60 },
      { name: 'cold', module: APP, self: 0, total: 30 },
      { name: 'f', module: APP, self: 0, total: 10 },
    ]);
  });

  it('keeps functions of the same name in different modules apart', () => {
    const two: StacksResult = { ...result, total: 3, stacks: [{ frames: [{ symbol: 'init', module: '/a' }], count: 1 }, { frames: [{ symbol: 'init', module: '/b' }], count: 2 }] };
    expect(functionCosts(two).map((f) => [f.module, f.self])).toEqual([['/b', 2], ['/a', 1]]);
  });
});

describe('functionName', () => {
  it('names an unnamed frame by its module and offset, or its module alone', () => {
    expect(functionName({ symbol: '[unknown]', module: '/lib/x.so', offset: 4096 })).toBe('/lib/x.so+0x1000');
    expect(functionName({ symbol: '[unknown]', module: '/lib/x.so' })).toBe('/lib/x.so');
    expect(functionName({ symbol: '[unknown]' })).toBe('[unknown]');
  });
});

describe('renderStacks', () => {
  it('lists the top functions with their shares, then the top stacks innermost first', () => {
    expect(renderStacks(result, { functions: 3, stacks: 2, frames: 2 })).toBe(
      [
        '100 samples in 3 stacks',
        '',
        'top functions',
        'function         module    self (samples)  self%  total (samples)  total%',
        'burn             app                   90    90%               90     90%',
        '[kernel]+0xffff  [kernel]              10    10%               10     10%',
        'main             app                    0     0%              100    100%',
        '',
        'top stacks',
        '#1  60 samples (60%) app (5)',
        '    burn (app)',
        '    hot (app)',
        '    … 1 more frames',
        '#2  30 samples (30%) app (5)',
        '    burn (app)',
        '    cold (app)',
        '    … 1 more frames',
      ].join('\n'),
    );
  });

  it('marks kernel frames with their bracketed module and a stack without comm by its count alone', () => {
    expect(renderStacks(result, { functions: 0, stacks: 3, frames: 1 }).split('\n').slice(-3)).toEqual(['#3  10 samples (10%)', '    [kernel]+0xffff [kernel]', '    … 3 more frames']);
  });
});
