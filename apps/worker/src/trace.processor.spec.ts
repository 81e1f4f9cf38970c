import { Job } from 'bullmq';
import { pino } from 'pino';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunMessage, TraceJobPayload } from '../../../libs/contracts/src/index.js';
import { mockOf } from '../../../test/support/mock.js';
import { CancelRepository } from './cancel.repository.js';
import { CancelService } from './cancel.service.js';
import { IncarnationService } from './incarnation.service.js';
import { ATTACHED_PROGRESS } from './lost-run.js';
import { RedisConnection } from './redis.connection.js';
import { RunReportRepository } from './run-report.repository.js';
import { TraceProcessor } from './trace.processor.js';
import { TraceService } from './trace.service.js';

const payload: TraceJobPayload = { jobId: 'job-1', runId: 'run-1', host: 'h1', tool: 'syscount', durationSec: 2, params: {} };

describe(TraceProcessor.name, () => {
  let sut: TraceProcessor;
  let sent: RunMessage[];
  let execute: ReturnType<typeof vi.fn<TraceService['execute']>>;
  let cancels: CancelService;

  const job = (state: Partial<Job<TraceJobPayload>> = {}) =>
    mockOf<Job<TraceJobPayload>>(Job, {
      data: payload,
      progress: 0,
      stalledCounter: 0,
      deferredFailure: '',
      updateProgress: vi.fn(async () => {}),
      ...state,
    });

  beforeEach(() => {
    sent = [];
    execute = vi.fn<TraceService['execute']>(async (_payload, _signal, recordAttached) => {
      await recordAttached?.();
    });
    const silent = pino({ level: 'silent' });
    cancels = new CancelService({ cancelPollMs: 2000 }, mockOf(CancelRepository, { endingsAmong: async () => new Map() }), silent);
    sut = new TraceProcessor(
      { hostName: 'h1', queuePrefix: 'bpfleet', concurrency: 2 },
      mockOf(TraceService, { execute }),
      mockOf(RunReportRepository, { send: vi.fn(async (message: RunMessage) => void sent.push(message)) }),
      mockOf(RedisConnection, {}),
      cancels,
      silent,
      mockOf(IncarnationService, {}),
    );
  });

  it('runs a fresh run, marking its queue job attached when its probes are', async () => {
    const fresh = job();
    await sut.process(fresh);
    expect(execute).toHaveBeenCalledTimes(1);
    expect(execute.mock.calls[0]![0]).toBe(payload);
    expect(fresh.updateProgress).toHaveBeenCalledWith(ATTACHED_PROGRESS);
    expect(cancels.holds('run-1')).toBe(false);
  });

  it('runs again a run whose agent was lost before attaching', async () => {
    await sut.process(job({ stalledCounter: 1 }));
    expect(execute).toHaveBeenCalledTimes(1);
    expect(sent).toEqual([]);
  });

  it('fails, without running it, a run whose agent was lost after attaching', async () => {
    await sut.process(job({ stalledCounter: 1, progress: ATTACHED_PROGRESS }));
    expect(execute).not.toHaveBeenCalled();
    expect(sent).toEqual([
      {
        type: 'failed',
        runId: 'run-1',
        at: expect.any(String),
        error: 'the agent on h1 was lost during the run (after its probes were attached); the run cannot be resumed',
      },
    ]);
  });

  it('leaves a run whose lock lapsed while it still runs here to its first attempt', async () => {
    let finish!: () => void;
    execute.mockImplementationOnce(() => new Promise<void>((resolve) => (finish = resolve)));
    const first = sut.process(job());
    await vi.waitFor(() => expect(execute).toHaveBeenCalledTimes(1));
    await sut.process(job({ stalledCounter: 1, progress: ATTACHED_PROGRESS }));
    expect(execute).toHaveBeenCalledTimes(1);
    expect(sent).toEqual([]);
    finish();
    await first;
  });

  it('reports a run BullMQ failed after its agent was lost twice before attaching', async () => {
    await sut.onFailed(job({ stalledCounter: 2, deferredFailure: 'job stalled more than allowable limit' }));
    expect(sent).toEqual([
      {
        type: 'failed',
        runId: 'run-1',
        at: expect.any(String),
        error: 'the agent on h1 was lost while preparing the run, again after a retry; the run is not retried again',
      },
    ]);
  });

  it('reports nothing for a run that failed otherwise (its outcome was reported by the run)', async () => {
    await sut.onFailed(job({ failedReason: 'Connection is closed.' }));
    expect(sent).toEqual([]);
  });
});
