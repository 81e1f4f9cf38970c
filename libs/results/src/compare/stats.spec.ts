import { describe, expect, it } from 'vitest';
import { mannWhitney, movedTieGroups, poissonRateTest, quantileTest, shareDifferenceTest, shareRatioTest, tieGroups, twoProportionTest, twoSidedP } from './stats.js';

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

describe('the base moved by a limit, over the target\'s buckets', () => {
  it('splits a moved bucket over the target buckets it overlaps, in proportion', () => {
    // [100, 110) × 1.05 = [105, 115.5): 5 of its 10.5 in [100, 110), 5.5 in [110, 120).
    const groups = movedTieGroups([{ lo: 100, hi: 110, count: 10 }], [{ lo: 100, hi: 110, count: 5 }, { lo: 110, hi: 120, count: 5 }], (v) => v * 1.05);
    expect(groups).toEqual([
      { base: expect.closeTo(100 / 21, 12), target: 5 },
      { base: expect.closeTo(110 / 21, 12), target: 5 },
    ]);
  });

  it('extends past the target without splitting its buckets, and an unmoved base lines up exactly', () => {
    expect(movedTieGroups([{ lo: 0, hi: 10, count: 4 }], [{ lo: 0, hi: 10, count: 2 }], (v) => v + 20)).toEqual([
      { base: 0, target: 2 },
      { base: 4, target: 0 },
    ]);
    const buckets = [exact(3, 2), exact(9, 1)];
    expect(movedTieGroups(buckets, buckets, (v) => v)).toEqual(tieGroups(buckets, buckets));
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

  it('quantile test: a quantile in the top group cuts at its lower edge, so a coarse tail regression still shows', () => {
    // p99 of 8000 pooled values lies in the last group, which holds only target values: above its upper
    // edge there is nothing, above its lower edge the target's 500 and none of the base.
    const groups = [
      { base: 4000, target: 0 },
      { base: 0, target: 3500 },
      { base: 0, target: 500 },
    ];
    expect(quantileTest(groups, 0.99)).toMatchObject({ baseAbove: 0, targetAbove: 500 });
    expect(quantileTest(groups, 0.99).pValue).toBeLessThan(1e-10);
  });

  it('Poisson rate test: 100 against 150 events in equal time; equal rates over 10 s and 20 s', () => {
    // n = 250, expected 125, sd √62.5; z = (25 − 0.5)/7.905694 = 3.099032.
    const test = poissonRateTest(100, 10, 150, 10);
    expect(test.z).toBeCloseTo(3.0990321, 6);
    expect(test.pValue).toBeCloseTo(0.0019415, 6);
    expect(poissonRateTest(100, 10_000, 200, 20_000)).toEqual({ z: 0, pValue: 1 });
    expect(poissonRateTest(0, 1, 0, 1)).toEqual({ z: 0, pValue: 1 });
  });

  it('Poisson rate test against a limit: 100 → 150 is not significantly beyond +10% (p=0.0188), 100 → 200 is', () => {
    // H0: rate ratio 1.1; the target's expected share of 250 is 1.1/2.1; z = (150 − 130.952 − 0.5)/7.8967 = 2.348773.
    expect(poissonRateTest(100, 1, 150, 1, 1.1).z).toBeCloseTo(2.3487734, 6);
    expect(poissonRateTest(100, 1, 150, 1, 1.1).pValue).toBeCloseTo(0.0188354, 6);
    expect(poissonRateTest(100, 1, 200, 1, 1.1).pValue).toBeCloseTo(9.754e-7, 9);
  });

  it('share tests against a limit: log ratio (Katz) and difference, Haldane-smoothed', () => {
    // p1 = 100.5/401, p2 = 200.5/401; z = (ln(p2/p1) − ln 1.05)/√((1−p1)/(p1·401) + (1−p2)/(p2·401)) = 6.434690.
    expect(shareRatioTest(100, 400, 200, 400, 1.05).z).toBeCloseTo(6.4346902, 6);
    expect(shareRatioTest(100, 400, 200, 400, 1.05).pValue).toBeCloseTo(1.2373e-10, 13);
    // z = (p2 − p1 − 0.1)/√(p1(1−p1)/401 + p2(1−p2)/401) = 4.520757.
    expect(shareDifferenceTest(100, 400, 200, 400, 0.1).z).toBeCloseTo(4.5207567, 6);
    expect(shareRatioTest(0, 400, 0, 400, 1).z).toBe(0);
  });

  it('two-sided p-values of the standard normal', () => {
    expect(twoSidedP(0)).toBe(1);
    expect(twoSidedP(1.959964)).toBeCloseTo(0.05, 6);
    expect(twoSidedP(-2.575829)).toBeCloseTo(0.01, 6);
  });
});
