import { describe, expect, it } from 'vitest';
import { deriveJobStatus as sut } from './job-status.js';

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
    [['succeeded', 'cancelled'], 'partial'],
    [['failed', 'cancelled'], 'failed'],
    [['cancelled', 'cancelled'], 'cancelled'],
  ] as const)('%j → %s', (runs, expected) => {
    expect(sut([...runs])).toBe(expected);
  });
});
