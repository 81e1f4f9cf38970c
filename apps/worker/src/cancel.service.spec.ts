import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi, type Mocked } from 'vitest';
import { mockOf } from '../../../test/support/mock.js';
import { CancelRepository } from './cancel.repository.js';
import type { RunEnding } from '../../../libs/contracts/src/index.js';
import { CancelService, RunCancelledError, RunStoppedError } from './cancel.service.js';

describe(CancelService.name, () => {
  let sut: CancelService;
  let requested: Map<string, RunEnding>;
  let nudge: (runId: string) => void;
  let reconnected: () => void;
  let cancels: Mocked<Pick<CancelRepository, 'subscribe' | 'endingsAmong' | 'close'>>;

  beforeEach(() => {
    vi.useFakeTimers();
    requested = new Map();
    cancels = {
      subscribe: vi.fn(async (onRunId: (runId: string) => void, onReady: () => void) => {
        nudge = onRunId;
        reconnected = onReady;
      }),
      endingsAmong: vi.fn(
        async (ids: readonly string[]) => new Map([...requested].filter(([id]) => ids.includes(id))),
      ),
      close: vi.fn(async () => {}),
    };
    sut = new CancelService({ cancelPollMs: 2000 }, mockOf(CancelRepository, cancels), pino({ level: 'silent' }));
    sut.start();
  });

  afterEach(async () => {
    await sut.stop();
    vi.useRealTimers();
  });

  it('aborts the nudged run with RunCancelledError, and only that run', async () => {
    const a = await sut.begin('run-a');
    const b = await sut.begin('run-b');
    requested.set('run-a', 'cancel');
    nudge('run-a');
    await vi.advanceTimersByTimeAsync(0);
    expect(a.aborted).toBe(true);
    expect(a.reason).toBeInstanceOf(RunCancelledError);
    expect(b.aborted).toBe(false);
  });

  it('aborts a run asked to stop with RunStoppedError, which its trace service reports as succeeded', async () => {
    const a = await sut.begin('run-a');
    requested.set('run-a', 'stop');
    nudge('run-a');
    await vi.advanceTimersByTimeAsync(0);
    expect(a.reason).toBeInstanceOf(RunStoppedError);
  });

  it('hands out an already aborted signal for a run cancelled while it waited in the queue', async () => {
    requested.set('run-a', 'cancel');
    const signal = await sut.begin('run-a');
    expect(signal.reason).toBeInstanceOf(RunCancelledError);
  });

  it('finds a request whose nudge was missed on the next poll', async () => {
    const signal = await sut.begin('run-a');
    requested.set('run-a', 'cancel');
    expect(signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(2000);
    expect(signal.reason).toBeInstanceOf(RunCancelledError);
  });

  it('re-reads the keys when the subscriber reconnects', async () => {
    const signal = await sut.begin('run-a');
    requested.set('run-a', 'cancel');
    reconnected();
    await vi.advanceTimersByTimeAsync(0);
    expect(signal.aborted).toBe(true);
  });

  it('ignores nudges for runs it does not hold (finished, or another agent of the same host name)', async () => {
    const signal = await sut.begin('run-a');
    sut.end('run-a');
    requested.set('run-a', 'cancel').set('run-unknown', 'cancel');
    nudge('run-a');
    nudge('run-unknown');
    await vi.advanceTimersByTimeAsync(0);
    expect(signal.aborted).toBe(false);
    expect(cancels.endingsAmong).toHaveBeenCalledTimes(1); // only begin's check: nudges of runs not held read nothing
  });

  it('holds a run from begin to end, and only then', async () => {
    expect(sut.holds('run-a')).toBe(false);
    await sut.begin('run-a');
    expect(sut.holds('run-a')).toBe(true);
    sut.end('run-a');
    expect(sut.holds('run-a')).toBe(false);
  });

  it('unsubscribes on stop, and polls no more', async () => {
    await sut.begin('run-a');
    await sut.stop();
    expect(cancels.close).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(cancels.endingsAmong).toHaveBeenCalledTimes(1); // begin's check only
  });

  it('starts a run anyway when Redis does not say whether it was cancelled', async () => {
    cancels.endingsAmong.mockReturnValueOnce(new Promise(() => {}));
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
