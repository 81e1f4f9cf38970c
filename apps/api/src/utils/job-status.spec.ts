import { describe, expect, it } from 'vitest';
import { RUN_STATUSES, type RunStatus } from '../entities/run.entity.js';
import { deriveJobStatus as sut, isJobFinished } from './job-status.js';

describe(sut.name, () => {
  it.each([
    [[], 'queued'],
    [['queued'], 'queued'],
    [['queued', 'queued'], 'queued'],
    [['running', 'queued'], 'running'],
    [['succeeded', 'queued'], 'running'],
    [['failed', 'running'], 'running'],
    [['succeeded'], 'succeeded'],
    [['succeeded', 'succeeded'], 'succeeded'],
    [['failed', 'failed'], 'failed'],
    [['succeeded', 'failed'], 'partial'],
    [['failed', 'succeeded', 'failed'], 'partial'],
    [['cancelled'], 'cancelled'],
    [['cancelled', 'cancelled'], 'cancelled'],
    [['succeeded', 'cancelled'], 'cancelled'],
    [['failed', 'cancelled'], 'cancelled'],
    [['succeeded', 'failed', 'cancelled'], 'cancelled'],
    // A cancel under way: the job is not cancelled until no run is queued or running.
    [['cancelled', 'running'], 'running'],
    [['cancelled', 'queued'], 'running'],
  ] as const)('%j → %s', (runs, expected) => {
    expect(sut([...runs])).toBe(expected);
  });

  // RunRepository re-derives a job's status from SELECT DISTINCT status: one row per status, whatever the job's size.
  it('depends only on which statuses occur, not on how often', () => {
    const statuses = RUN_STATUSES;
    for (let subset = 1; subset < 1 << statuses.length; subset++) {
      const present = statuses.filter((_, i) => subset & (1 << i));
      const repeated = present.flatMap((status, i) => Array<RunStatus>(i + 2).fill(status));
      expect(sut(repeated)).toBe(sut(present));
    }
  });
});

describe(isJobFinished.name, () => {
  it('is true only when no run is queued or running', () => {
    expect(isJobFinished(['succeeded', 'failed', 'cancelled'])).toBe(true);
    expect(isJobFinished(['succeeded', 'running'])).toBe(false);
    expect(isJobFinished(['queued'])).toBe(false);
  });
});
