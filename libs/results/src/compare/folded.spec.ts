import { describe, expect, it } from 'vitest';
import { IncompatibleSamplesError } from './errors.js';
import { differentialFolded } from './folded.js';
import type { Sample } from './sample.js';
import { frame, histogramSample, stacksSample, window } from './test-support/samples.js';

describe('differentialFolded', () => {
  it('writes path, base count, target count per line (as difffolded.pl), 0 for a path missing on one side', () => {
    const base = stacksSample({ 'foo;main': 3, 'bar;main': 1 });
    const target = stacksSample({ 'foo;main': 5, 'sys_read_k;foo;main': 2 });
    expect(differentialFolded(base, target)).toBe('app;main;bar 1 0\napp;main;foo 3 5\napp;main;foo;sys_read_k_[k] 0 2\n');
  });

  it('sums stacks that fold to one path (they differed by pid)', () => {
    const frames = [frame('foo'), frame('main')];
    const stacks = [{ frames, comm: 'app', pid: 6, count: 3 }, { frames, comm: 'app', pid: 7, count: 4 }];
    const base: Sample = { result: { kind: 'stacks', unit: 'samples', stacks, total: 7 }, ...window() };
    expect(differentialFolded(base, stacksSample({}))).toBe('app;main;foo 7 0\n');
  });

  it('scales the base to the target\'s traced time, rounded, when the durations differ', () => {
    const base = stacksSample({ 'foo;main': 3, 'bar;main': 1 }, 'samples', window(3));
    const target = stacksSample({ 'foo;main': 10 }, 'samples', window(10));
    expect(differentialFolded(base, target)).toBe('app;main;bar 3 0\napp;main;foo 10 10\n');
  });

  it('needs two stacks results in one unit', () => {
    expect(() => differentialFolded(histogramSample([1]), stacksSample({}))).toThrow(IncompatibleSamplesError);
    expect(() => differentialFolded(stacksSample({}, 'us'), stacksSample({}, 'samples'))).toThrow(IncompatibleSamplesError);
    expect(differentialFolded(stacksSample({}), stacksSample({}))).toBe('');
  });
});
