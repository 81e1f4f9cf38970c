import { describe, expect, it } from 'vitest';
import { IncompatibleSamplesError } from './errors.js';
import { evaluateThresholds } from './evaluate.js';
import type { Sample } from './sample.js';
import { countsSample, exponential, histogramSample, rng, stacksSample, window } from './test-support/samples.js';
import { parseThresholds } from './thresholds.js';
import type { ResultKind } from '../../../contracts/src/index.js';

function check(kind: ResultKind, baseline: Sample | null, candidate: Sample, thresholds: Record<string, string>) {
  const { parsed, problems } = parseThresholds(kind, thresholds);
  expect(problems).toEqual([]);
  return evaluateThresholds(baseline, candidate, parsed);
}

const scaled = (values: number[], factor: number) => values.map((v) => Math.round(v * factor));

describe('histogram thresholds', () => {
  const base = exponential(rng(1), 20_000, 1000);
  const shifted = scaled(exponential(rng(2), 20_000, 1000), 1.2);

  it('a latency distribution shifted by 20% fails p99 +10% and passes p99 +30%', () => {
    const evaluation = check('histogram', histogramSample(base), histogramSample(shifted), { p99: '+10%' });
    expect(evaluation.verdict).toBe('fail');
    const [p99] = evaluation.thresholds;
    expect(p99).toMatchObject({ name: 'p99', limit: '+10%', pass: false });
    expect(p99!.change).toBeGreaterThan(15);
    expect(p99!.change).toBeLessThan(25);
    expect(p99!.pValue).toBeLessThan(0.01);
    expect(p99!.why).toMatch(/^p99 rose 2\d\.\d% \(\d+(\.\d+)? → \d+(\.\d+)? us\), over the \+10% limit; quantile test at p99 p=\de-\d+$/);
    expect(check('histogram', histogramSample(base), histogramSample(shifted), { p99: '+30%' })).toMatchObject({
      verdict: 'pass',
      thresholds: [{ pass: true, why: expect.stringMatching(/, within the \+30% limit$/) }],
    });
  });

  it('writes the why with the numbers: a constructed case', () => {
    // 200 values 100..299 against the same values × 1.5.
    const values = Array.from({ length: 200 }, (_, i) => 100 + i);
    const evaluation = check('histogram', histogramSample(values), histogramSample(scaled(values, 1.5)), { p50: '+10%', mean: '+60%', max: '+20us', p90: '+130us' });
    expect(evaluation.thresholds).toEqual([
      {
        name: 'p50',
        limit: '+10%',
        baseline: 199,
        candidate: expect.closeTo(298.909, 3),
        change: expect.closeTo(50.2056, 4),
        pass: false,
        pValue: expect.closeTo(1.249e-9, 12),
        why: 'p50 rose 50.2% (199 → 298.9 us), over the +10% limit; quantile test at p50 p=1e-9',
      },
      { name: 'mean', limit: '+60%', baseline: 199.5, candidate: 299.5, change: expect.closeTo(50.1253, 4), pass: true, pValue: null, why: 'mean rose 50.1% (199.5 → 299.5 us), within the +60% limit' },
      { name: 'max', limit: '+20us', baseline: 299, candidate: 449, change: 150, pass: false, pValue: 0, why: 'max rose 150 us (299 → 449 us), over the +20us limit; Mann–Whitney p<1e-15' },
      {
        name: 'p90',
        limit: '+130us',
        baseline: 279.5,
        candidate: expect.closeTo(420.091, 3),
        change: expect.closeTo(140.591, 3),
        pass: null,
        pValue: expect.closeTo(0.1674, 4),
        why: 'p90 rose 140.6 us (279.5 → 420.1 us), over the +130us limit, but not significantly beyond it (quantile test at p90 p=0.17, needs < 0.01)',
      },
    ]);
  });

  it('identical samples pass every threshold with no change', () => {
    const same = histogramSample(base);
    const evaluation = check('histogram', same, same, { p50: '+0%', p90: '+1%', p99: '+10%', p999: '-5%', max: '+1us', mean: '+0%', count: '+1%' });
    expect(evaluation.verdict).toBe('pass');
    expect(evaluation.thresholds.map((t) => t.change)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(evaluation.thresholds[2]!.why).toMatch(/^p99 did not change \(\d+ → \d+ us\), within the \+10% limit$/);
  });

  it('identical distributions never fail: 300 pairs of independent draws of one shape', () => {
    const random = rng(7);
    const verdicts = { pass: 0, fail: 0, inconclusive: 0 };
    let overButNotSignificant = 0;
    for (let trial = 0; trial < 300; trial++) {
      const n = 1000 + Math.floor(random() * 4000);
      const mean = 50 + random() * 5000;
      const evaluation = check('histogram', histogramSample(exponential(random, n, mean)), histogramSample(exponential(random, n, mean)), {
        p50: '+5%',
        p90: '+5%',
        p99: '+10%',
        mean: '+5%',
        max: '+20%',
        count: '+1%',
      });
      verdicts[evaluation.verdict]++;
      overButNotSignificant += evaluation.thresholds.filter((t) => t.pass === null && /not significant|other way/.test(t.why)).length;
    }
    expect(verdicts.fail).toBe(0);
    // The limits alone are crossed by chance often enough that the tests, not the limits, keep these from failing.
    expect(overButNotSignificant).toBeGreaterThan(30);
    expect(verdicts.pass).toBeGreaterThan(100);
  });

  it('too few samples are inconclusive, whatever the change', () => {
    const evaluation = check('histogram', histogramSample(exponential(rng(3), 50, 1000)), histogramSample(exponential(rng(4), 5000, 3000)), { p99: '+10%' });
    expect(evaluation.verdict).toBe('inconclusive');
    expect(evaluation.thresholds[0]).toMatchObject({
      pass: null,
      change: null,
      why: 'p99 cannot be judged: p99 needs at least 100 values on each side; the baseline has 50 and the candidate 5000',
    });
    const p999 = check('histogram', histogramSample(base.slice(0, 999)), histogramSample(base), { p999: '+10%' }).thresholds[0]!;
    expect(p999.why).toBe('p999 cannot be judged: p999 needs at least 1000 values on each side; the baseline has 999 and the candidate 20000');
  });

  it('a change over the limit that the test does not back is inconclusive', () => {
    // 30 values each: the p90 moves 20%, but 30 values cannot show it.
    const values = exponential(rng(5), 30, 1000);
    const evaluation = check('histogram', histogramSample(values), histogramSample(scaled(values, 1.2)), { p90: '+10%' });
    expect(evaluation.verdict).toBe('inconclusive');
    expect(evaluation.thresholds[0]!.why).toMatch(/^p90 rose 20\.0% \(1599 → 1919 us\), over the \+10% limit, but not significantly beyond it \(quantile test at p90 p=(0\.\d+|1)(, needs < 0\.01|, pointing back within the limit)\)$/);
  });

  it('absolute limits convert between time units; a time limit on a histogram of something else cannot be judged', () => {
    const latencies = exponential(rng(6), 5000, 1000);
    const later = latencies.map((v) => v + 200);
    const judged = check('histogram', histogramSample(latencies), histogramSample(later), { p50: '+100us', p90: '+1ms' }).thresholds;
    expect(judged.map((t) => t.pass)).toEqual([false, true]);
    expect(judged[0]!.why).toBe('p50 rose 199.2 us (693.6 → 892.8 us), over the +100us limit; quantile test at p50 p=1e-6');
    const tasks = check('histogram', histogramSample([1, 2, 3], 'tasks'), histogramSample([1, 2, 3], 'tasks'), { p50: '+2ms' }).thresholds[0]!;
    expect(tasks).toMatchObject({ pass: null, why: 'p50 cannot be judged against +2ms: it is a time, but the values are in tasks' });
  });
});

describe('counts thresholds', () => {
  const rows = (getppid: number, read: number, write: number) => [
    { syscall: 'getppid', count: getppid },
    { syscall: 'read', count: read },
    { syscall: 'write', count: write },
  ];

  it('a count doubled on one key fails that key, naming it; the others pass', () => {
    const evaluation = check('counts', countsSample(['syscall'], rows(1000, 500, 300)), countsSample(['syscall'], rows(2000, 510, 290)), {
      'syscall=getppid': '+20%',
      'syscall=read': '+20%',
      'syscall=write': '+20%',
    });
    expect(evaluation).toEqual({
      verdict: 'fail',
      thresholds: [
        {
          name: 'syscall=getppid',
          limit: '+20%',
          baseline: 1000,
          candidate: 2000,
          change: 100,
          pass: false,
          pValue: 0,
          why: 'syscall=getppid rose 100.0% (1000 → 2000), over the +20% limit; Poisson rate test p<1e-15',
        },
        { name: 'syscall=read', limit: '+20%', baseline: 500, candidate: 510, change: 2, pass: true, pValue: null, why: 'syscall=read rose 2.0% (500 → 510), within the +20% limit' },
        { name: 'syscall=write', limit: '+20%', baseline: 300, candidate: 290, change: expect.closeTo(-3.333, 3), pass: true, pValue: null, why: 'syscall=write fell 3.3% (300 → 290), within the +20% limit' },
      ],
    });
  });

  it('the Poisson test decides whether a change is beyond the limit: 100 → 200 is, 100 → 150 is not (+10%)', () => {
    const judge = (candidate: number) => check('counts', countsSample(['k'], [{ k: 'a', count: 100 }]), countsSample(['k'], [{ k: 'a', count: candidate }]), { total: '+10%' }).thresholds[0]!;
    // Hand-computed in stats.spec: H0 ratio 1.1, p = 9.754e-7 and 0.018835.
    expect(judge(200)).toMatchObject({ pass: false, pValue: expect.closeTo(9.754e-7, 9), why: 'total rose 100.0% (100 → 200), over the +10% limit; Poisson rate test p=1e-6' });
    expect(judge(150)).toMatchObject({
      pass: null,
      pValue: expect.closeTo(0.0188354, 6),
      why: 'total rose 50.0% (100 → 150), over the +10% limit, but not significantly beyond it (Poisson rate test p=0.019, needs < 0.01)',
    });
  });

  it('a key that appeared has no baseline to judge a relative change from; a vanished key fails a decrease limit', () => {
    const base = countsSample(['syscall'], [{ syscall: 'read', count: 400 }]);
    const target = countsSample(['syscall'], [{ syscall: 'open', count: 400 }]);
    const [open, read] = check('counts', base, target, { 'syscall=open': '+10%', 'syscall=read': '-50%' }).thresholds;
    expect(open).toMatchObject({ pass: null, baseline: 0, why: 'syscall=open cannot be judged: the baseline counted only 0; a change is judged from 10 up' });
    expect(read).toMatchObject({ pass: false, change: -100, why: 'syscall=read fell 100.0% (400 → 0), over the -50% limit; Poisson rate test p<1e-15' });
  });

  it('a decrease limit ignores increases; rates when the durations differ (twice the window, same rate: no change)', () => {
    const base = countsSample(['k'], [{ k: 'a', count: 500 }], window(10));
    const target = countsSample(['k'], [{ k: 'a', count: 1000 }], window(20));
    expect(check('counts', base, target, { total: '+5%' }).thresholds[0]).toMatchObject({ baseline: 50, candidate: 50, change: 0, pass: true, why: 'total did not change (50 → 50 per second), within the +5% limit' });
    expect(check('counts', base, countsSample(['k'], [{ k: 'a', count: 5000 }]), { total: '-5%' }).verdict).toBe('pass');
  });

  it('a selector on a column the result lacks cannot be judged', () => {
    const sample = countsSample(['syscall'], [{ syscall: 'read', count: 400 }]);
    expect(check('counts', sample, sample, { 'pid=1': '+5%' }).thresholds[0]).toMatchObject({ pass: null, why: 'pid=1: this result has no column "pid" to select on; it has syscall' });
  });
});

describe('stacks thresholds', () => {
  it('a function whose share of samples rises from 25% to 50% fails function:foo +5%', () => {
    const base = stacksSample({ 'foo;main': 100, 'bar;main': 300 });
    const target = stacksSample({ 'foo;main': 200, 'bar;main': 200 });
    const [total, self, points] = check('stacks', base, target, { 'function:foo': '+5%', 'self:main': '+5%', 'function:bar': '-30pp' }).thresholds;
    // Share ratio test of 100/400 against 200/400 at ratio 1.05, hand-computed in stats.spec: p = 1.2373e-10.
    expect(total).toEqual({
      name: 'function:foo',
      limit: '+5%',
      baseline: 0.25,
      candidate: 0.5,
      change: 100,
      pass: false,
      pValue: expect.closeTo(1.2373e-10, 13),
      why: 'function:foo rose 100.0% (25.0% → 50.0% of samples with foo on the stack), over the +5% limit; share ratio test p=1e-10',
    });
    expect(self).toMatchObject({ pass: null, why: 'self:main cannot be judged: the baseline has only 0 samples with main innermost; a relative limit is judged from 10 up' });
    expect(points).toMatchObject({ change: -25, pass: true, why: 'function:bar fell 25.0 pp (75.0% → 50.0% of samples with bar on the stack), within the -30pp limit' });
  });

  it('self counts the innermost frame only; a recursive function counts once per stack', () => {
    const base = stacksSample({ 'foo;foo;foo;main': 50, 'bar;main': 50 });
    const target = stacksSample({ 'bar;foo;foo;main': 50, 'bar;main': 50 });
    const [total, self] = check('stacks', base, target, { 'function:foo': '+5%', 'self:foo': '-5%' }).thresholds;
    expect(total).toMatchObject({ baseline: 0.5, candidate: 0.5, change: 0, pass: true });
    expect(self).toMatchObject({ baseline: 0.5, candidate: 0, change: -100, pass: false });
  });

  it('off-CPU time (us) has no sample model: judged by the limit alone', () => {
    const base = stacksSample({ 'foo;main': 1000, 'bar;main': 3000 }, 'us');
    const target = stacksSample({ 'foo;main': 2000, 'bar;main': 2000 }, 'us');
    expect(check('stacks', base, target, { 'function:foo': '+5%' }).thresholds[0]).toMatchObject({
      pass: false,
      pValue: null,
      why: 'function:foo rose 100.0% (25.0% → 50.0% of off-CPU time with foo on the stack), over the +5% limit; judged by the limit alone (no sample model for this unit)',
    });
  });
});

describe('verdicts', () => {
  const sample = countsSample(['k'], [{ k: 'a', count: 100 }, { k: 'b', count: 100 }]);
  const doubled = countsSample(['k'], [{ k: 'a', count: 200 }, { k: 'b', count: 100 }]);

  it('fail beats inconclusive, inconclusive beats pass; no thresholds is inconclusive, never a silent pass', () => {
    expect(check('counts', sample, doubled, { 'k=a': '+10%', 'k=c': '+10%', 'k=b': '+10%' }).verdict).toBe('fail');
    expect(check('counts', sample, doubled, { 'k=c': '+10%', 'k=b': '+10%' }).verdict).toBe('inconclusive');
    expect(check('counts', sample, doubled, { 'k=b': '+10%' }).verdict).toBe('pass');
    expect(evaluateThresholds(sample, doubled, []).verdict).toBe('inconclusive');
  });

  it('without a baseline every threshold is inconclusive, with the candidate\'s figure', () => {
    expect(check('counts', null, doubled, { total: '+10%' })).toEqual({
      verdict: 'inconclusive',
      thresholds: [{ name: 'total', limit: '+10%', baseline: null, candidate: 300, change: null, pass: null, pValue: null, why: 'no baseline to compare with; total is 300 in the candidate' }],
    });
  });

  it('refuses a baseline of another kind or unit, and thresholds of another kind', () => {
    const { parsed } = parseThresholds('histogram', { p99: '+10%' });
    expect(() => evaluateThresholds(sample, histogramSample([1]), parsed)).toThrow(IncompatibleSamplesError);
    expect(() => evaluateThresholds(histogramSample([1], 'us'), histogramSample([1], 'ms'), parsed)).toThrow(IncompatibleSamplesError);
    expect(() => evaluateThresholds(sample, sample, parsed)).toThrow('threshold p99 is for histogram results, not counts');
  });
});
