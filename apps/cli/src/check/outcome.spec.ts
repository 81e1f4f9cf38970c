import { describe, expect, it } from 'vitest';
import { describeBaseline, thresholdRow, verdictExitCode } from './outcome.js';
import { finishedCheck, THRESHOLDS } from '../test-support/checks.js';

describe('verdictExitCode', () => {
  it('is 0 for pass, 1 for fail, 2 for inconclusive', () => {
    expect([verdictExitCode('pass'), verdictExitCode('fail'), verdictExitCode('inconclusive')]).toEqual([0, 1, 2]);
  });
});

describe('thresholdRow', () => {
  it('shows the change in percent for a % limit, values in the unit', () => {
    expect(thresholdRow(THRESHOLDS[0]!)).toEqual({
      name: 'syscall=getppid',
      limit: '+20%',
      baseline: '1,000',
      candidate: '2,000',
      change: '+100%',
      result: 'fail',
      why: 'getppid rose 100% (1000 → 2000), over the +20% limit',
    });
    expect(thresholdRow(THRESHOLDS[1]!)).toMatchObject({ change: '+4.2%', result: 'pass' });
  });

  it('shows shares for function thresholds and points for a pp limit; null pass is inconclusive', () => {
    expect(thresholdRow(THRESHOLDS[2]!)).toMatchObject({ baseline: '25%', candidate: '50%', change: '+25pp', result: 'inconclusive' });
  });

  it('shows an absolute change for a limit in a unit, and nothing for unknown values', () => {
    expect(thresholdRow({ name: 'max', limit: '+2ms', baseline: 800, candidate: 2900.5, change: 2100.5, pValue: null, pass: false, why: '' })).toMatchObject({
      baseline: '800',
      candidate: '2,900.5',
      change: '+2,100.5',
    });
    expect(thresholdRow({ name: 'p99', limit: '+10%', baseline: null, candidate: 5, change: null, pValue: null, pass: null, why: 'no baseline' })).toMatchObject({
      baseline: '',
      candidate: '5',
      change: '',
    });
  });
});

describe('describeBaseline', () => {
  it('names the tag and the job it resolved to, or says none matched', () => {
    expect(describeBaseline(finishedCheck())).toBe('tag main (job 22222222-2222-4222-8222-222222222222)');
    expect(describeBaseline({ ...finishedCheck(), baselineJobId: null })).toBe('tag main (no job matched)');
    expect(describeBaseline({ ...finishedCheck(), baseline: { jobId: 'j' }, baselineJobId: 'j' })).toBe('job j');
  });
});
