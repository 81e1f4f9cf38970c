import { describe, expect, it } from 'vitest';
import type { StacksResult } from '../api/results';
import { diffTree, maxAbsDelta, parseDiffFolded, stacksTree, topFunctions, type FlameNode } from './flame-tree';

const BIN = '/usr/bin/hotcold';
const K = '[kernel]';
// hotcold's shape: burn under spin_hot (70) and spin_cold (30), one kernel stack under a syscall.
const result: Pick<StacksResult, 'stacks'> = {
  stacks: [
    { comm: 'hotcold', count: 70, frames: [{ symbol: 'burn', module: BIN }, { symbol: 'spin_hot', module: BIN }, { symbol: 'main', module: BIN }] },
    { comm: 'hotcold', count: 30, frames: [{ symbol: 'burn', module: BIN }, { symbol: 'spin_cold', module: BIN }, { symbol: 'main', module: BIN }] },
    {
      comm: 'hotcold',
      count: 5,
      frames: [
        { symbol: 'do_syscall_64', module: K },
        { symbol: '[unknown]', module: BIN, offset: 0x1a2b },
        { symbol: 'main', module: BIN },
      ],
    },
    { count: 2, frames: [{ symbol: 'ext4_read', module: '[ext4]' }] },
  ],
};

/** The tree as `name(type):value` lines, indented by depth: easy to read and compare exactly. */
function outline(node: FlameNode, depth = 0): string[] {
  const delta = node.delta === undefined ? '' : ` Δ${(node.delta * 100).toFixed(1)}`;
  return [`${'  '.repeat(depth)}${node.name}(${node.type}):${node.value}${delta}`, ...node.children.flatMap((c) => outline(c, depth + 1))];
}

describe('stacksTree', () => {
  it('roots stacks at their process, outermost frame first, values inclusive', () => {
    expect(outline(stacksTree(result))).toEqual([
      'all(root):107',
      '  ext4_read(kernel):2',
      '  hotcold(process):105',
      '    main(user):105',
      `      ${BIN}+0x1a2b(user):5`,
      '        do_syscall_64(kernel):5',
      '      spin_cold(user):30',
      '        burn(user):30',
      '      spin_hot(user):70',
      '        burn(user):70',
    ]);
  });

  it('keeps one symbol of two modules as two frames', () => {
    const tree = stacksTree({
      stacks: [
        { count: 1, frames: [{ symbol: 'f', module: '/a' }] },
        { count: 2, frames: [{ symbol: 'f', module: '/b' }] },
      ],
    });
    expect(tree.children.map((c) => [c.name, c.module, c.value])).toEqual([
      ['f', '/a', 1],
      ['f', '/b', 2],
    ]);
  });
});

describe('topFunctions', () => {
  it('counts self and total once per stack, kernel modules told apart', () => {
    const rows = topFunctions(result);
    expect(rows.slice(0, 4).map((r) => [r.function, r.self, r.total, r.kernel])).toEqual([
      ['burn', 100, 100, false],
      ['do_syscall_64', 5, 5, true],
      ['ext4_read', 2, 2, true],
      ['main', 0, 105, false],
    ]);
    const hot = rows.find((r) => r.function === 'spin_hot')!;
    expect(hot.totalShare).toBeCloseTo(70 / 107, 12);
    expect(hot.selfShare).toBe(0);
  });
});

describe('differential flame graph', () => {
  // Base: spin_hot 70 / spin_cold 30. Target: spin_hot 150 / spin_cold 30 / a new function 20 (kernel).
  const folded = [
    'hotcold;main;spin_cold;burn 30 30',
    'hotcold;main;spin_hot;burn 70 150',
    'hotcold;main;new_fn;do_syscall_64_[k] 0 20',
    'hot cold;main 0 0',
    '',
  ].join('\n');

  it('parses difffolded lines, names with spaces included', () => {
    expect(parseDiffFolded(folded)).toEqual([
      { path: ['hotcold', 'main', 'spin_cold', 'burn'], base: 30, target: 30 },
      { path: ['hotcold', 'main', 'spin_hot', 'burn'], base: 70, target: 150 },
      { path: ['hotcold', 'main', 'new_fn', 'do_syscall_64_[k]'], base: 0, target: 20 },
      { path: ['hot cold', 'main'], base: 0, target: 0 },
    ]);
    expect(() => parseDiffFolded('a;b 1\n')).toThrow('line 1: expected "path base target", got "a;b 1"');
  });

  it('sizes frames by the target and colours them by the change of their share', () => {
    const tree = diffTree(parseDiffFolded(folded), 'target');
    // Shares: spin_hot 70% → 75% (+5 pp), spin_cold 30% → 15% (−15 pp), new_fn 0 → 10% (+10 pp).
    expect(outline(tree)).toEqual([
      'all(root):200 Δ0.0',
      '  hotcold(user):200 Δ0.0',
      '    main(user):200 Δ0.0',
      '      new_fn(user):20 Δ10.0',
      '        do_syscall_64(kernel):20 Δ10.0',
      '      spin_cold(user):30 Δ-15.0',
      '        burn(user):30 Δ-15.0',
      '      spin_hot(user):150 Δ5.0',
      '        burn(user):150 Δ5.0',
    ]);
    expect(maxAbsDelta(tree)).toBeCloseTo(0.15, 12);
  });

  it('sized by the base, shows what vanished and leaves out what is new', () => {
    const tree = diffTree(parseDiffFolded(folded), 'base');
    expect(outline(tree).slice(3)).toEqual([
      '      spin_cold(user):30 Δ-15.0',
      '        burn(user):30 Δ-15.0',
      '      spin_hot(user):70 Δ5.0',
      '        burn(user):70 Δ5.0',
    ]);
  });
});
