import { describe, expect, it } from 'vitest';
import type { HistogramResult } from '../../../contracts/src/index.js';
import { IncompatibleSamplesError } from './errors.js';
import { mergeSamples } from './merge.js';
import { countsSample, eventsSample, histogramSample, stacksSample, window } from './test-support/samples.js';

describe('mergeSamples', () => {
  it('histograms: buckets summed by bounds, summary recomputed, exact extremes kept, groups dropped', () => {
    const a = histogramSample([1, 2, 2, 40], 'us', window(10, 9_000));
    const b = histogramSample([2, 100, 100], 'us', window(10, 11_000));
    (a.result as HistogramResult).groups = [{ key: 1, histogram: a.result as HistogramResult }];
    const merged = mergeSamples([a, b]);
    expect(merged).toMatchObject({ tracedMs: 20_000, durationSec: 10, runs: 2 });
    const h = merged.result as HistogramResult;
    expect(h.buckets).toEqual([
      { lo: 1, hi: 2, count: 1 },
      { lo: 2, hi: 3, count: 3 },
      { lo: 40, hi: 42, count: 1 },
      { lo: 100, hi: 104, count: 2 },
    ]);
    expect(h).toMatchObject({ count: 7, sum: 247, min: 1, max: 100, p50: 2 });
    expect(h.groups).toBeUndefined();
  });

  it('an empty run does not pull min to 0', () => {
    const h = mergeSamples([histogramSample([]), histogramSample([5, 7])]).result as HistogramResult;
    expect(h).toMatchObject({ count: 2, min: 5, max: 7 });
  });

  it('counts: rows summed by key, every numeric non-key column summed, sorted by count', () => {
    const a = countsSample(['syscall'], [{ syscall: 'read', count: 10, totalLatencyNs: 500 }, { syscall: 'write', count: 3, totalLatencyNs: 30 }]);
    const b = countsSample(['syscall'], [{ syscall: 'write', count: 20, totalLatencyNs: 100 }]);
    expect(mergeSamples([a, b]).result).toEqual({
      kind: 'counts',
      keys: ['syscall'],
      rows: [
        { syscall: 'write', count: 23, totalLatencyNs: 130 },
        { syscall: 'read', count: 10, totalLatencyNs: 500 },
      ],
      total: 33,
    });
  });

  it('stacks: summed by (frames, comm), pid dropped; events: rows concatenated, totals summed', () => {
    const a = stacksSample({ 'foo;main': 3, 'bar;main': 1 });
    const b = stacksSample({ 'foo;main': 2 });
    const merged = mergeSamples([a, b]).result;
    expect(merged).toMatchObject({ kind: 'stacks', total: 6, stacks: [{ count: 5, comm: 'app' }, { count: 1 }] });
    const events = mergeSamples([eventsSample([{ comm: 'a' }]), eventsSample([{ comm: 'b' }, { comm: 'c' }])]).result;
    expect(events).toMatchObject({ kind: 'events', total: 3, dropped: 0, rows: [{ comm: 'a' }, { comm: 'b' }, { comm: 'c' }] });
  });

  it('refuses mixed kinds, units, keys and durations with a typed error', () => {
    expect(() => mergeSamples([histogramSample([1]), countsSample(['k'], [])])).toThrow(IncompatibleSamplesError);
    expect(() => mergeSamples([histogramSample([1], 'us'), histogramSample([1], 'ms')])).toThrow(/histograms in ms with histograms in us/);
    expect(() => mergeSamples([countsSample(['a'], []), countsSample(['b'], [])])).toThrow(IncompatibleSamplesError);
    expect(() => mergeSamples([histogramSample([1], 'us', window(10)), histogramSample([1], 'us', window(20))])).toThrow(/not one job/);
    expect(() => mergeSamples([])).toThrow(IncompatibleSamplesError);
  });
});
