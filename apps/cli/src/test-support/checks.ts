import type { Check, ThresholdOutcome } from '../api/types.js';

/** A finished check with one threshold of each outcome, as GET /v1/checks/:id answers it. */
export function finishedCheck(thresholds: ThresholdOutcome[] = THRESHOLDS): Check {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    tool: 'syscount',
    status: 'done',
    verdict: 'fail',
    baseline: { tag: 'main' },
    baselineJobId: '22222222-2222-4222-8222-222222222222',
    candidateJobId: '33333333-3333-4333-8333-333333333333',
    thresholds,
    createdAt: '2025-01-02T03:04:05.000Z',
    finishedAt: '2025-01-02T03:04:20.000Z',
  };
}

export const THRESHOLDS: ThresholdOutcome[] = [
  { name: 'syscall=getppid', limit: '+20%', baseline: 1000, candidate: 2000, change: 100, pValue: 1e-15, pass: false, why: 'getppid rose 100% (1000 → 2000), over the +20% limit' },
  { name: 'total', limit: '+50%', baseline: 1200, candidate: 1250, change: 4.1666, pValue: null, pass: true, why: 'total rose 4.2%, within +50%' },
  { name: 'function:foo', limit: '+5pp', baseline: 0.25, candidate: 0.5, change: 25, pValue: null, pass: null, why: 'too few samples <100 | "x" & y' },
];
