import { describe, expect, it } from 'vitest';
import { compareSamples } from './compare.js';
import { IncompatibleSamplesError, UnknownColumnError } from './errors.js';
import type { Sample } from './sample.js';
import type { CountsComparison, StacksComparison } from './types.js';
import { countsSample, eventsSample, histogramSample, stacksSample, window } from './test-support/samples.js';

describe('compareSamples: histograms', () => {
  it('gives both summaries, the percentile changes and the shift test (the hand-computed case of stats.spec)', () => {
    const comparison = compareSamples(histogramSample([1, 1, 2, 3]), histogramSample([2, 3, 3, 4], 'us', window(10, 8_000)));
    expect(comparison).toEqual({
      kind: 'histogram',
      unit: 'us',
      normalized: false,
      base: { count: 4, sum: 7, min: 1, max: 3, mean: 1.75, p50: 1, p90: 3, p99: 3, p999: 3, ratePerSec: 0.4 },
      target: { count: 4, sum: 12, min: 2, max: 4, mean: 3, p50: 3, p90: 4, p99: 4, p999: 4, ratePerSec: 0.5 },
      percentiles: {
        p50: { base: 1, target: 3, delta: 2, ratio: 3 },
        p90: { base: 3, target: 4, delta: 1, ratio: 4 / 3 },
        p99: { base: 3, target: 4, delta: 1, ratio: 4 / 3 },
        p999: { base: 3, target: 4, delta: 1, ratio: 4 / 3 },
        max: { base: 3, target: 4, delta: 1, ratio: 4 / 3 },
      },
      shift: { test: 'mann-whitney-u', u: 13.5, z: expect.closeTo(1.4978617, 6), pValue: expect.closeTo(0.1341692, 6), effect: 0.6875, significant: false },
    });
  });

  it('has no shift test when a side is empty, and a null ratio from a zero base', () => {
    const comparison = compareSamples(histogramSample([]), histogramSample([5]));
    expect(comparison).toMatchObject({ shift: null, percentiles: { p50: { base: 0, target: 5, delta: 5, ratio: null } } });
  });

  it('refuses different units and kinds', () => {
    expect(() => compareSamples(histogramSample([1], 'us'), histogramSample([1], 'ms'))).toThrow(IncompatibleSamplesError);
    expect(() => compareSamples(histogramSample([1]), countsSample(['k'], []))).toThrow(IncompatibleSamplesError);
  });
});

describe('compareSamples: counts and events', () => {
  it('rows by key, sorted by |delta|, with appeared and vanished keys', () => {
    const base = countsSample(['syscall'], [{ syscall: 'read', count: 100 }, { syscall: 'write', count: 50 }, { syscall: 'open', count: 10 }]);
    const target = countsSample(['syscall'], [{ syscall: 'read', count: 100 }, { syscall: 'write', count: 100 }, { syscall: 'close', count: 5 }]);
    expect(compareSamples(base, target)).toEqual({
      kind: 'counts',
      keys: ['syscall'],
      unit: 'count',
      normalized: false,
      total: { base: 160, target: 205, delta: 45, ratio: 205 / 160 },
      rows: [
        { syscall: 'write', base: 50, target: 100, delta: 50, ratio: 2, change: 'changed' },
        { syscall: 'open', base: 10, target: 0, delta: -10, ratio: 0, change: 'vanished' },
        { syscall: 'close', base: 0, target: 5, delta: 5, ratio: null, change: 'appeared' },
        { syscall: 'read', base: 100, target: 100, delta: 0, ratio: 1, change: 'same' },
      ],
      appeared: [{ syscall: 'close' }],
      vanished: [{ syscall: 'open' }],
    });
  });

  it('compares per-second rates when a side overran its window (its agent stalled): its totals cover more time', () => {
    const base = countsSample(['syscall'], [{ syscall: 'read', count: 500 }], window(10));
    const target: Sample = { ...countsSample(['syscall'], [{ syscall: 'read', count: 750 }], window(10, 15_000)), overrunMs: 5000 };
    const comparison = compareSamples(base, target) as CountsComparison;
    expect(comparison).toMatchObject({ unit: 'count_per_sec', normalized: true, total: { base: 50, target: 50, delta: 0 } });
  });

  it('compares per-second rates when the durations differ: twice the window at the same rate is no change', () => {
    const base = countsSample(['syscall'], [{ syscall: 'read', count: 500 }], window(10));
    const target = countsSample(['syscall'], [{ syscall: 'read', count: 1000 }], window(20));
    const comparison = compareSamples(base, target) as CountsComparison;
    expect(comparison).toMatchObject({ unit: 'count_per_sec', normalized: true, total: { base: 50, target: 50, delta: 0, ratio: 1 } });
    expect(comparison.rows).toEqual([{ syscall: 'read', base: 50, target: 50, delta: 0, ratio: 1, change: 'same' }]);
  });

  it('uses the traced time for rates, not the requested window', () => {
    const base = countsSample(['k'], [{ k: 'a', count: 300 }], window(10, 12_000));
    const target = countsSample(['k'], [{ k: 'a', count: 300 }], window(5, 6_000));
    expect(compareSamples(base, target)).toMatchObject({ total: { base: 25, target: 50, delta: 25, ratio: 2 } });
  });

  it('regroups counts by one key column with by', () => {
    const rows = [{ syscall: 'read', pid: 1, count: 4 }, { syscall: 'read', pid: 2, count: 6 }, { syscall: 'write', pid: 1, count: 1 }];
    const comparison = compareSamples(countsSample(['syscall', 'pid'], rows), countsSample(['syscall', 'pid'], rows), { by: 'syscall' }) as CountsComparison;
    expect(comparison.keys).toEqual(['syscall']);
    expect(comparison.rows.map((r) => [r.syscall, r.base])).toEqual([['read', 10], ['write', 1]]);
  });

  it('events by a column count rows per value (as text); without by only the totals', () => {
    const base = eventsSample([{ comm: 'sh', pid: 1 }, { comm: 'sh', pid: 2 }, { comm: 'ls', pid: 3 }]);
    const target = eventsSample([{ comm: 'sh', pid: 4 }, { comm: 'cat', pid: 5 }]);
    expect(compareSamples(base, target, { by: 'comm' })).toEqual({
      kind: 'events',
      keys: ['comm'],
      unit: 'events',
      normalized: false,
      total: { base: 3, target: 2, delta: -1, ratio: 2 / 3 },
      rows: [
        { comm: 'cat', base: 0, target: 1, delta: 1, ratio: null, change: 'appeared' },
        { comm: 'ls', base: 1, target: 0, delta: -1, ratio: 0, change: 'vanished' },
        { comm: 'sh', base: 2, target: 1, delta: -1, ratio: 0.5, change: 'changed' },
      ],
      appeared: [{ comm: 'cat' }],
      vanished: [{ comm: 'ls' }],
    });
    expect(compareSamples(base, target, { by: 'pid' })).toMatchObject({ rows: expect.arrayContaining([expect.objectContaining({ pid: '4' })]) });
    expect(compareSamples(base, target)).toMatchObject({ keys: [], rows: [], appeared: [], vanished: [], total: { base: 3, target: 2 } });
  });

  it('an unknown by is a typed error naming by and the columns', () => {
    const events = eventsSample([{ comm: 'sh', pid: 1 }]);
    const error = (() => {
      try {
        compareSamples(events, events, { by: 'cpu' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnknownColumnError);
    expect(error).toMatchObject({ field: 'by', column: 'cpu', columns: ['comm', 'pid'], message: 'by: an events result has no column "cpu"; it has comm, pid' });
    expect(() => compareSamples(histogramSample([1]), histogramSample([1]), { by: 'pid' })).toThrow(UnknownColumnError);
    const counts = countsSample(['syscall'], []);
    expect(() => compareSamples(counts, counts, { by: 'count' })).toThrow(UnknownColumnError);
  });
});

describe('compareSamples: stacks', () => {
  // Base: foo recursive under main (foo;foo;main), bar under foo, main alone. Target: bar grew.
  const base = stacksSample({ 'foo;foo;main': 2, 'bar;foo;main': 1, main: 1 });
  const target = stacksSample({ 'foo;main': 1, 'bar;main': 3 });

  it('self counts the innermost frame, total counts a recursive function once per stack; top regressed first', () => {
    const comparison = compareSamples(base, target) as StacksComparison;
    expect(comparison).toMatchObject({ kind: 'stacks', unit: 'samples', normalized: false, base: { total: 4 }, target: { total: 4 }, omitted: 0 });
    expect(comparison.functions).toEqual([
      {
        function: 'bar',
        module: '/usr/bin/app',
        base: { self: 1, total: 1, selfShare: 0.25, totalShare: 0.25 },
        target: { self: 3, total: 3, selfShare: 0.75, totalShare: 0.75 },
        delta: { self: 2, total: 2, selfShare: 0.5, totalShare: 0.5 },
      },
      {
        function: 'main',
        module: '/usr/bin/app',
        base: { self: 1, total: 4, selfShare: 0.25, totalShare: 1 },
        target: { self: 0, total: 4, selfShare: 0, totalShare: 1 },
        delta: { self: -1, total: 0, selfShare: -0.25, totalShare: 0 },
      },
      {
        function: 'foo',
        module: '/usr/bin/app',
        base: { self: 2, total: 3, selfShare: 0.5, totalShare: 0.75 },
        target: { self: 1, total: 1, selfShare: 0.25, totalShare: 0.25 },
        delta: { self: -1, total: -2, selfShare: -0.25, totalShare: -0.5 },
      },
    ]);
  });

  it('keeps the functions that moved most and counts the rest as omitted', () => {
    const comparison = compareSamples(base, target, { maxFunctions: 2 }) as StacksComparison;
    expect(comparison.functions.map((f) => f.function)).toEqual(['bar', 'foo']);
    expect(comparison.omitted).toBe(1);
  });

  it('tells functions of one name apart by module, and normalizes counts but not shares', () => {
    const profile = (count: number, durationSec: number): Sample => ({
      result: { kind: 'stacks', unit: 'samples', stacks: [{ frames: [{ symbol: 'read', module: '[kernel]' }, { symbol: 'read', module: '/lib/libc.so.6' }], count }], total: count },
      ...window(durationSec),
    });
    const comparison = compareSamples(profile(10, 10), profile(40, 20)) as StacksComparison;
    expect(comparison).toMatchObject({ unit: 'samples_per_sec', normalized: true, base: { total: 1 }, target: { total: 2 } });
    expect(comparison.functions.map((f) => [f.module, f.base.self, f.target.self, f.base.total, f.target.total, f.delta.selfShare])).toEqual([
      ['/lib/libc.so.6', 0, 0, 1, 2, 0],
      ['[kernel]', 1, 2, 1, 2, 0],
    ]);
  });
});
