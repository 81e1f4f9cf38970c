import { describe, expect, it } from 'vitest';
import { aJob, aRun } from '../test-support/jobs.js';
import { isTracing } from './follow.js';

describe('isTracing (when -- CMD starts)', () => {
  it('waits for every queued run, and needs one running', () => {
    expect(isTracing(aJob([aRun('a', 'running'), aRun('b', 'running')]))).toBe(true);
    expect(isTracing(aJob([aRun('a', 'running'), aRun('b', 'queued')]))).toBe(false);
    expect(isTracing(aJob([aRun('a', 'queued')]))).toBe(false);
  });

  it('does not wait for runs that ended without tracing', () => {
    expect(isTracing(aJob([aRun('a', 'running'), aRun('b', 'skipped'), aRun('c', 'expired'), aRun('d', 'failed')]))).toBe(true);
    expect(isTracing(aJob([aRun('a', 'skipped'), aRun('b', 'failed')]))).toBe(false);
  });
});
