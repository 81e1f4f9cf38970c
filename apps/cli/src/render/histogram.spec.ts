import { describe, expect, it } from 'vitest';
import type { HistogramResult } from '../api/results.js';
import { renderHistogram, summaryLine } from './histogram.js';

/**
 * 8 values: 1 in [1, 2); 2 in [16, 17); 4 in [32, 34) and 1 in [36, 38), two log-linear buckets of the
 * same power of two. Rows by power: [1,2) 1, three empty powers, [16,32) 2, [32,64) 5.
 */
const histogram: HistogramResult = {
  kind: 'histogram',
  unit: 'us',
  buckets: [
    { lo: 0, hi: 1, count: 0 },
    { lo: 1, hi: 2, count: 1 },
    { lo: 16, hi: 17, count: 2 },
    { lo: 32, hi: 34, count: 4 },
    { lo: 36, hi: 38, count: 1 },
    { lo: 4096, hi: 4352, count: 0 },
  ],
  count: 8,
  min: 1,
  max: 37,
  p50: 33,
  p90: 37,
  p99: 37,
};

describe('renderHistogram', () => {
  it('merges buckets per power of two, keeps empty powers between, scales bars to the largest row and marks the percentiles', () => {
    expect(renderHistogram(histogram)).toBe(
      [
        'us from  to  count  distribution',
        '      1   2      1  |********                                |',
        '      2   4      0  |                                        |',
        '      4   8      0  |                                        |',
        '      8  16      0  |                                        |',
        '     16  32      2  |****************                        |',
        '     32  64      5  |****************************************|  p50 p90 p99',
        'count 8  min 1  p50 33  p90 37  p99 37  max 37 (us)',
      ].join('\n'),
    );
  });

  it('gives a row [0, 1) to zero values and at least one * to a count far below the peak', () => {
    const text = renderHistogram({ ...histogram, buckets: [{ lo: 0, hi: 1, count: 1 }, { lo: 1, hi: 2, count: 1000 }], p50: 1, p90: 1, p99: 1 });
    expect(text.split('\n').slice(1, 3)).toEqual([
      '      0   1      1  |*                                       |',
      '      1   2  1,000  |****************************************|  p50 p90 p99',
    ]);
  });

  it('shows only the summary line when empty', () => {
    const empty: HistogramResult = { kind: 'histogram', unit: 'ms', buckets: [], count: 0, min: 0, max: 0, p50: 0, p90: 0, p99: 0 };
    expect(renderHistogram(empty)).toBe('count 0  min 0  p50 0  p90 0  p99 0  max 0 (ms)');
  });

  it('adds a per-key breakdown as a table', () => {
    const group = (count: number, p: number): HistogramResult => ({ ...histogram, buckets: [], count, min: p, max: p, p50: p, p90: p, p99: p });
    const text = renderHistogram({ ...histogram, by: 'pid', groups: [{ key: 4242, comm: 'db', histogram: group(6000, 33) }, { key: 7, comm: 'sh', histogram: group(2, 16) }] });
    expect(text.split('\n').slice(-3)).toEqual(['pid   comm  count  p50  p90  p99  max', '4242  db    6,000   33   33   33   33', '7     sh        2   16   16   16   16']);
  });

  it('summarizes with thousands separators and the unit', () => {
    expect(summaryLine({ ...histogram, count: 12345, p99: 1234.5 })).toBe('count 12,345  min 1  p50 33  p90 37  p99 1,234.5  max 37 (us)');
  });
});
