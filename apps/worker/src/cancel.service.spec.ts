import { afterEach, beforeEach, describe, expect, it, vi, type Mocked } from 'vitest';
import { mockOf } from '../../../test/support/mock.js';
import { CancelRepository } from './cancel.repository.js';
import { CancelService, RunCancelledError } from './cancel.service.js';
import type { WorkerConfig } from './config.js';

describe(CancelService.name, () => {
  let sut: CancelService;
  let requested: Set<string>;
  let nudge: (runId: string) => void;
  let reconnected: () => void;
  let cancels: Mocked<Pick<CancelRepository, 'subscribe' | 'cancelledAmong'>>;

  beforeEach(() => {
    vi.useFakeTimers();
    requested = new Set();
    cancels = {
      subscribe: vi.fn(async (onRunId: (runId: string) => void, onReady: () => void) => {
        nudge = onRunId;
        reconnected = onReady;
      }),
      cancelledAmong: vi.fn(async (ids: readonly string[]) => new Set(ids.filter((id) => requested.has(id)))),
    };
    sut = new CancelService({ cancelPollMs: 2000 } as WorkerConfig, mockOf(CancelRepository, cancels));
    sut.onApplicationBootstrap();
  });

  afterEach(() => {
    sut.onApplicationShutdown();
    vi.useRealTimers();
  });

  it('aborts the nudged run with RunCancelledError, and only that run', async () => {
    const a = await sut.begin('run-a');
    const b = await sut.begin('run-b');
    nudge('run-a');
    expect(a.aborted).toBe(true);
    expect(a.reason).toBeInstanceOf(RunCancelledError);
    expect(b.aborted).toBe(false);
  });

  it('hands out an already aborted signal for a run cancelled while it waited in the queue', async () => {
    requested.add('run-a');
    const signal = await sut.begin('run-a');
    expect(signal.reason).toBeInstanceOf(RunCancelledError);
  });

  it('finds a request whose nudge was missed on the next poll', async () => {
    const signal = await sut.begin('run-a');
    requested.add('run-a');
    expect(signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(2000);
    expect(signal.reason).toBeInstanceOf(RunCancelledError);
  });

  it('re-reads the keys when the subscriber reconnects', async () => {
    const signal = await sut.begin('run-a');
    requested.add('run-a');
    reconnected();
    await vi.advanceTimersByTimeAsync(0);
    expect(signal.aborted).toBe(true);
  });

  it('ignores nudges for runs it does not hold (finished, or another agent of the same host name)', async () => {
    const signal = await sut.begin('run-a');
    sut.end('run-a');
    nudge('run-a');
    nudge('run-unknown');
    expect(signal.aborted).toBe(false);
  });

  it('starts a run anyway when Redis does not say whether it was cancelled', async () => {
    cancels.cancelledAmong.mockReturnValueOnce(new Promise(() => {}));
    const begun = sut.begin('run-a');
    await vi.advanceTimersByTimeAsync(2000);
    await expect(begun).resolves.toMatchObject({ aborted: false });
  });

  it('aborts every run with the shutdown reason, which is not a cancel', async () => {
    const a = await sut.begin('run-a');
    const b = await sut.begin('run-b');
    sut.abortAll(new Error('the agent on h1 shut down during the run'));
    for (const signal of [a, b]) {
      expect(signal.aborted).toBe(true);
      expect(signal.reason).not.toBeInstanceOf(RunCancelledError);
    }
  });
});
