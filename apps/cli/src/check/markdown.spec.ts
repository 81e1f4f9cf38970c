import { describe, expect, it } from 'vitest';
import { finishedCheck } from '../test-support/checks.js';
import { checkMarkdown } from './markdown.js';

describe('checkMarkdown', () => {
  it('gives the verdict, what was compared and one table row per threshold, pipes escaped', () => {
    expect(checkMarkdown(finishedCheck())).toBe(
      [
        '### ❌ bpfleet check `syscount`: fail',
        '',
        'Baseline: tag main (job 22222222-2222-4222-8222-222222222222). Candidate: job 33333333-3333-4333-8333-333333333333. Check 11111111-1111-4111-8111-111111111111.',
        '',
        '| threshold | limit | baseline | candidate | change | result | why |',
        '| :-- | :-- | --: | --: | --: | :-- | :-- |',
        '| `syscall=getppid` | +20% | 1,000 | 2,000 | +100% | ❌ fail | getppid rose 100% (1000 → 2000), over the +20% limit |',
        '| `total` | +50% | 1,200 | 1,250 | +4.2% | ✅ pass | total rose 4.2%, within +50% |',
        '| `function:foo` | +5pp | 25% | 50% | +25pp | ⚠️ inconclusive | too few samples <100 \\| "x" & y |',
        '',
      ].join('\n'),
    );
  });

  it('keeps a why with line breaks on its row', () => {
    const check = finishedCheck([{ name: 'p99', limit: '+10%', baseline: 1, candidate: 1, change: 0, pValue: null, pass: true, why: 'a\nb\r\nc' }]);
    expect(checkMarkdown({ ...check, verdict: 'pass' }).split('\n')[6]).toBe('| `p99` | +10% | 1 | 1 | 0% | ✅ pass | a b c |');
  });
});
