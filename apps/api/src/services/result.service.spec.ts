import { describe, expect, it, vi } from 'vitest';
import type { CountsResult } from '../../../../libs/contracts/src/index.js';
import { RetryLaterError, type QueueRepository } from '../repositories/queue.repository.js';
import { mockOf } from '../../../../test/support/mock.js';
import { CheckService } from './check.service.js';
import { RunRepository } from '../repositories/run.repository.js';
import { ResultService } from './result.service.js';

const runId = '0b5b7c4e-2f0a-4e43-9d0c-6c1f3a4b5c6d';

function setup() {
  const runRepository = {
    markRunning: vi.fn().mockResolvedValue(true),
    storeSuccess: vi.fn().mockResolvedValue(true),
    markFailed: vi.fn().mockResolvedValue(true),
    markCancelled: vi.fn().mockResolvedValue(true),
  };
  const checkService = { judgeReady: vi.fn(async () => {}) };
  const sut = new ResultService({} as QueueRepository, mockOf(RunRepository, runRepository), mockOf(CheckService, checkService));
  return { sut, runRepository };
}

describe(ResultService.name, () => {
  it('stores a success with its stats', async () => {
    const { sut, runRepository } = setup();
    const result: CountsResult = { kind: 'counts', keys: ['syscall'], rows: [], total: 0 };
    await sut.handle({ type: 'succeeded', runId, at: '2026-01-01T00:00:00.000Z', result, stats: { tracedMs: 5 } });
    expect(runRepository.storeSuccess).toHaveBeenCalledWith(runId, new Date('2026-01-01T00:00:00.000Z'), result, {
      tracedMs: 5,
    });
  });

  it('drops malformed messages instead of retrying them forever', async () => {
    const { sut, runRepository } = setup();
    await sut.handle({ type: 'running', runId: 'x', at: '' });
    await sut.handle({ type: 'succeeded', runId, at: '', result: { kind: 'nope' } } as never);
    await sut.handle({ type: 'weird', runId } as never);
    expect(runRepository.markRunning).not.toHaveBeenCalled();
    expect(runRepository.storeSuccess).not.toHaveBeenCalled();
  });

  it('asks for a retry when the database is away', async () => {
    const { sut, runRepository } = setup();
    runRepository.markFailed.mockRejectedValue(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await expect(sut.handle({ type: 'failed', runId, at: '', error: 'boom' })).rejects.toBeInstanceOf(RetryLaterError);
  });

  it('does not retry an error the message itself causes', async () => {
    const { sut, runRepository } = setup();
    runRepository.markRunning.mockRejectedValue(Object.assign(new Error('invalid input'), { code: '22P02' }));
    await expect(sut.handle({ type: 'running', runId, at: '' })).rejects.not.toBeInstanceOf(RetryLaterError);
  });

  it('uses the API clock when the agent time is missing or in the future', async () => {
    const { sut, runRepository } = setup();
    const before = Date.now();
    await sut.handle({ type: 'running', runId, at: '2999-01-01T00:00:00Z' });
    expect((runRepository.markRunning.mock.calls[0][1] as Date).getTime()).toBeGreaterThanOrEqual(before);
  });

  it('stores a cancellation with the partial result and stats the agent kept', async () => {
    const { sut, runRepository } = setup();
    const result: CountsResult = { kind: 'counts', keys: ['syscall'], rows: [{ syscall: 'read', count: 3 }], total: 3 };
    await sut.handle({ type: 'cancelled', runId, at: '2026-01-01T00:00:00.000Z', result, stats: { tracedMs: 900 } });
    expect(runRepository.markCancelled).toHaveBeenCalledWith(runId, new Date('2026-01-01T00:00:00.000Z'), result, {
      tracedMs: 900,
    });
  });

  it('stores a cancellation without a result (cancelled before its probes were attached)', async () => {
    const { sut, runRepository } = setup();
    await sut.handle({ type: 'cancelled', runId, at: '2026-01-01T00:00:00.000Z' });
    expect(runRepository.markCancelled).toHaveBeenCalledWith(runId, expect.any(Date), undefined, undefined);
  });

  it('drops a cancellation whose partial result is malformed', async () => {
    const { sut, runRepository } = setup();
    await sut.handle({ type: 'cancelled', runId, at: '', result: { kind: 'nope' } } as never);
    expect(runRepository.markCancelled).not.toHaveBeenCalled();
  });
});
