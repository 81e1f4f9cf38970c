import { describe, expect, it } from 'vitest';
import { mannWhitney, poissonRateTest, quantileTest, tieGroups, twoProportionTest, twoSidedP } from './stats.js';

const exact = (value: number, count: number) => ({ lo: value, hi: value + 1, count });

describe('tie groups over buckets', () => {
  it('puts identical buckets of both sides in one group and keeps adjacent ones apart', () => {
    expect(tieGroups([exact(1, 2), exact(2, 1)], [exact(2, 5), exact(3, 1)])).toEqual([
      { base: 2, target: 0 },
      { base: 1, target: 5 },
      { base: 0, target: 1 },
    ]);
  });

  it('merges partially overlapping buckets of two schemes into one group, never ordering what it cannot', () => {
    const log2 = [{ lo: 64, hi: 128, count: 3 }];
    const loglinear = [{ lo: 64, hi: 68, count: 1 }, { lo: 120, hi: 128, count: 2 }, { lo: 128, hi: 136, count: 4 }];
    expect(tieGroups(log2, loglinear)).toEqual([
      { base: 3, target: 3 },
      { base: 0, target: 4 },
    ]);
  });
});

describe('Mann–Whitney U over tie groups', () => {
  it('matches the hand-computed case: base {1,1,2,3}, target {2,3,3,4}', () => {
    // U = 1×(2 + 1/2) + 2×(3 + 1/2) + 1×4 = 13.5 of 16 pairs; ties t = 2,2,3,1 give Σ(t³−t) = 36;
    // var = 16/12 × (9 − 36/56) = 11.142857; z = (13.5 − 8 − 0.5)/√var = 1.497862; p = 2(1 − Φ(z)) = 0.134169
    // (scipy.stats.mannwhitneyu, asymptotic with continuity correction, gives 0.13416918).
    const shift = mannWhitney(tieGroups([exact(1, 2), exact(2, 1), exact(3, 1)], [exact(2, 1), exact(3, 2), exact(4, 1)]))!;
    expect(shift.u).toBe(13.5);
    expect(shift.effect).toBe(0.6875);
    expect(shift.z).toBeCloseTo(1.4978617, 6);
    expect(shift.pValue).toBeCloseTo(0.1341692, 6);
    expect(shift.significant).toBe(false);
  });

  it('finds nothing when everything ties, and nothing to test with an empty side', () => {
    expect(mannWhitney([{ base: 500, target: 700 }])).toMatchObject({ u: 175_000, z: 0, pValue: 1, effect: 0, significant: false });
    expect(mannWhitney([{ base: 0, target: 7 }])).toBeNull();
  });

  it('is antisymmetric: swapping the sides flips z and the effect', () => {
    const a = mannWhitney([{ base: 3, target: 1 }, { base: 1, target: 4 }])!;
    const b = mannWhitney([{ base: 1, target: 3 }, { base: 4, target: 1 }])!;
    expect(b.z).toBeCloseTo(-a.z, 12);
    expect(b.effect).toBeCloseTo(-a.effect, 12);
    expect(b.pValue).toBeCloseTo(a.pValue, 12);
  });
});

describe('proportion and rate tests (hand-computed, checked against scipy)', () => {
  it('two-proportion test, Yates-corrected: 25/100 against 50/100', () => {
    // pooled 0.375; z = (0.25 − 0.01)/√(0.375 × 0.625 × 0.02) = 3.505424; equals √(Yates χ²) = √12.288.
    const test = twoProportionTest(25, 100, 50, 100);
    expect(test.z).toBeCloseTo(3.5054244, 6);
    expect(test.pValue).toBeCloseTo(4.5588e-4, 7);
    expect(twoProportionTest(50, 100, 25, 100).z).toBeCloseTo(-3.5054244, 6);
  });

  it('quantile test: the shares above the tie group of the pooled median', () => {
    // Pooled median in [10, 11); above it 10/100 in the base, 30/100 in the target: Yates χ² = 11.28125.
    const groups = tieGroups([exact(10, 90), exact(20, 10)], [exact(10, 70), exact(20, 30)]);
    const test = quantileTest(groups, 0.5);
    expect(test).toMatchObject({ baseAbove: 10, targetAbove: 30 });
    expect(test.z).toBeCloseTo(3.3587572, 6);
    expect(test.pValue).toBeCloseTo(7.829e-4, 6);
  });

  it('Poisson rate test: 100 against 150 events in equal time; equal rates over 10 s and 20 s', () => {
    // n = 250, expected 125, sd √62.5; z = (25 − 0.5)/7.905694 = 3.099032.
    const test = poissonRateTest(100, 10, 150, 10);
    expect(test.z).toBeCloseTo(3.0990321, 6);
    expect(test.pValue).toBeCloseTo(0.0019415, 6);
    expect(poissonRateTest(100, 10_000, 200, 20_000)).toEqual({ z: 0, pValue: 1 });
    expect(poissonRateTest(0, 1, 0, 1)).toEqual({ z: 0, pValue: 1 });
  });

  it('two-sided p-values of the standard normal', () => {
    expect(twoSidedP(0)).toBe(1);
    expect(twoSidedP(1.959964)).toBeCloseTo(0.05, 6);
    expect(twoSidedP(-2.575829)).toBeCloseTo(0.01, 6);
  });
});
