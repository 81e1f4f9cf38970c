import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { ATTACHED_PROGRESS, stalledOutError, takeover, wasAttached } from './lost-run.js';

describe(takeover.name, () => {
  it('runs a run taken for the first time', () => {
    expect(takeover({ progress: 0, stalledCounter: 0 }, 'h1')).toEqual({ action: 'run', retry: false });
  });

  it('runs again, as a retry, a run whose agent was lost before attaching its probes', () => {
    expect(takeover({ progress: 0, stalledCounter: 1 }, 'h1')).toEqual({ action: 'run', retry: true });
  });

  it('fails, never reruns, a run whose agent was lost after attaching', () => {
    expect(takeover({ progress: ATTACHED_PROGRESS, stalledCounter: 1 }, 'h1')).toEqual({
      action: 'fail',
      error: 'the agent on h1 was lost during the run (after its probes were attached); the run cannot be resumed',
    });
  });
});

describe(stalledOutError.name, () => {
  it('names a second loss before attaching as such', () => {
    expect(stalledOutError({ progress: 0, deferredFailure: 'job stalled more than allowable limit' }, 'h1')).toBe(
      'the agent on h1 was lost while preparing the run, again after a retry; the run is not retried again',
    );
  });

  it('names a loss after attaching (on the retry) as a loss during the run', () => {
    expect(stalledOutError({ progress: ATTACHED_PROGRESS, deferredFailure: 'job stalled more than allowable limit' }, 'h1')).toMatch(
      /^the agent on h1 was lost during the run/,
    );
  });

  it('leaves any other failure alone: its outcome was reported by the run itself', () => {
    expect(stalledOutError({ progress: ATTACHED_PROGRESS, deferredFailure: '' }, 'h1')).toBeUndefined();
  });
});

describe(wasAttached.name, () => {
  it('reads only the attach mark, whatever else a progress may be', () => {
    expect(wasAttached(ATTACHED_PROGRESS)).toBe(true);
    expect(wasAttached(JSON.parse(JSON.stringify(ATTACHED_PROGRESS)))).toBe(true); // as BullMQ reads it back from Redis
    const others: Job['progress'][] = [0, 100, true, 'attached', {}, { attached: 'yes' }];
    for (const other of others) expect(wasAttached(other)).toBe(false);
  });
});
