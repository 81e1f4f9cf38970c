import { describe, expect, it } from 'vitest';
import { IncompatibleSamplesError } from './errors.js';
import { findOutliers } from './outliers.js';
import { countsSample, exponential, histogramSample, rng, stacksSample } from './test-support/samples.js';

describe('findOutliers', () => {
  it('one host of five with 3× the p99 comes first, scored ln 3 against the others merged', () => {
    const random = rng(21);
    const hosts = ['a', 'b', 'c', 'd', 'e'].map((host) => ({ host, sample: histogramSample(exponential(random, 5000, host === 'c' ? 3000 : 1000)) }));
    const report = findOutliers(hosts);
    expect(report).toMatchObject({ metric: 'p99_log_ratio', unit: 'us', note: null });
    expect(report.hosts.map((h) => h.host)[0]).toBe('c');
    const [first, second] = report.hosts;
    expect(first!.score).toBeCloseTo(Math.log(3), 1);
    expect(first!.value / first!.restValue).toBeCloseTo(3, 0);
    expect(first!.why).toMatch(/^p99 \d+ us against \d+ us on the other 4 hosts merged \(\d\.\d+×\)$/);
    // The others' rest holds c, whose tail lifts the merged p99: they score less, but not 0.
    expect(second!.score).toBeLessThan(first!.score - 0.25);
  });

  it('counts: the rate against the rest, half an event added so a silent host scores finitely', () => {
    const at = { durationSec: 10, tracedMs: 10_000, runs: 1 };
    const hosts = ['a', 'b', 'c', 'd', 'e'].map((host) => ({ host, sample: countsSample(['k'], [{ k: 'x', count: host === 'e' ? 3000 : 1000 }], at) }));
    const report = findOutliers(hosts);
    expect(report).toMatchObject({ metric: 'rate_log_ratio', unit: 'count_per_sec', note: null });
    expect(report.hosts[0]).toEqual({
      host: 'e',
      score: expect.closeTo(1.0986539, 6),
      value: 300,
      restValue: 100,
      why: '300/s against 100/s on the other 4 hosts merged (3×)',
    });
    expect(report.hosts.slice(1).map((h) => [h.host, h.score])).toEqual([
      ['a', expect.closeTo(0.4050486, 6)],
      ['b', expect.closeTo(0.4050486, 6)],
      ['c', expect.closeTo(0.4050486, 6)],
      ['d', expect.closeTo(0.4050486, 6)],
    ]);
    const silent = findOutliers([...hosts.slice(0, 3), { host: 'z', sample: countsSample(['k'], [], at) }]).hosts[0]!;
    expect(silent).toMatchObject({ host: 'z', value: 0, restValue: 100, score: expect.closeTo(Math.log(3000.5 / 30 / (0.5 / 10)), 6) });
  });

  it('stacks: Jensen–Shannon divergence of self shares, naming the function that differs most', () => {
    const hosts = [
      { host: 'a', sample: stacksSample({ 'foo;main': 100 }) },
      { host: 'b', sample: stacksSample({ 'foo;main': 100 }) },
      { host: 'c', sample: stacksSample({ 'foo;main': 100 }) },
      { host: 'd', sample: stacksSample({ 'bar;main': 100 }) },
    ];
    const report = findOutliers(hosts);
    expect(report).toMatchObject({ metric: 'self_share_jsd', unit: 'share', note: null });
    expect(report.hosts).toEqual([
      { host: 'd', score: 1, value: 1, restValue: 0, why: 'self shares diverge from the other 3 hosts merged (JSD 1.000 bits); most different: bar 100.0% here, 0.0% elsewhere' },
      // Against {foo 2/3, bar 1/3}: JSD = ½·log2(6/5) + ½·(⅔·log2(4/5) + ⅓·log2 2) = 0.190875 bits.
      { host: 'a', score: expect.closeTo(0.1908745, 6), value: 1, restValue: expect.closeTo(2 / 3, 12), why: expect.stringMatching(/most different: foo 100\.0% here, 66\.7% elsewhere$/) },
      { host: 'b', score: expect.closeTo(0.1908745, 6), value: 1, restValue: expect.closeTo(2 / 3, 12), why: expect.any(String) },
      { host: 'c', score: expect.closeTo(0.1908745, 6), value: 1, restValue: expect.closeTo(2 / 3, 12), why: expect.any(String) },
    ]);
  });

  it('fewer than 3 hosts: says so instead of ranking', () => {
    expect(findOutliers([{ host: 'a', sample: histogramSample([1]) }, { host: 'b', sample: histogramSample([9]) }])).toEqual({
      metric: 'p99_log_ratio',
      unit: 'us',
      note: 'outliers need at least 3 hosts; this job has 2',
      hosts: [],
    });
    expect(findOutliers([])).toEqual({ metric: null, unit: null, note: 'outliers need at least 3 hosts; this job has 0', hosts: [] });
  });

  it('hosts of different kinds or units cannot be ranked together', () => {
    const hosts = [histogramSample([1]), histogramSample([1]), countsSample(['k'], [])].map((sample, i) => ({ host: `h${i}`, sample }));
    expect(() => findOutliers(hosts)).toThrow(IncompatibleSamplesError);
    const units = [histogramSample([1], 'us'), histogramSample([1], 'us'), histogramSample([1], 'ms')].map((sample, i) => ({ host: `h${i}`, sample }));
    expect(() => findOutliers(units)).toThrow('cannot rank histogram in ms among histogram in us');
  });
});
