import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { aJob, aRun } from '../test-support/jobs.js';
import { ProgressDisplay, progressLine } from './progress.js';

const START = Date.parse('2025-01-01T00:00:00.000Z');

describe('progressLine', () => {
  it('says how far a running run is, capped at the duration', () => {
    const running = aRun('web-1', 'running', { startedAt: '2025-01-01T00:00:00.000Z' });
    expect(progressLine(running, 10, START + 3_900, 6)).toBe('web-1   running    3s / 10s');
    expect(progressLine(running, 10, START + 60_000, 6)).toBe('web-1   running    10s / 10s');
  });

  it('says how long a finished run traced, and why one failed', () => {
    expect(progressLine(aRun('a', 'succeeded', { stats: { tracedMs: 2345, stopReason: 'stop' } }), 10, START, 1)).toBe('a  succeeded  traced 2.3s');
    expect(progressLine(aRun('a', 'succeeded', { stats: { tracedMs: 800, stopReason: 'maxEvents' } }), 10, START, 1)).toBe(
      'a  succeeded  traced 0.8s, stopped early: maxEvents',
    );
    expect(progressLine(aRun('a', 'failed', { error: 'agent lost' }), 10, START, 1)).toBe('a  failed     agent lost');
    expect(progressLine(aRun('a', 'queued'), 10, START, 1)).toBe('a  queued');
    expect(progressLine(aRun('a', 'skipped', { error: 'host offline at dispatch' }), 10, START, 1)).toBe('a  skipped    host offline at dispatch');
  });
});

describe('ProgressDisplay off a terminal (a stream without isTTY)', () => {
  it('writes a line each time a run changes status, and nothing when none did', () => {
    const out = new PassThrough();
    const display = new ProgressDisplay(out);
    const started = { startedAt: '2025-01-01T00:00:00.000Z' };
    display.update(aJob([aRun('h1', 'queued'), aRun('h22', 'queued')]), START);
    display.update(aJob([aRun('h1', 'running', started), aRun('h22', 'queued')]), START + 1000);
    display.update(aJob([aRun('h1', 'running', started), aRun('h22', 'queued')]), START + 2000);
    display.update(aJob([aRun('h1', 'succeeded'), aRun('h22', 'failed', { error: 'offline' })]), START + 3000);
    expect(String(out.read())).toBe(
      ['h1   queued', 'h22  queued', 'h1   running    1s / 10s', 'h1   succeeded', 'h22  failed     offline', ''].join('\n'),
    );
  });
});
