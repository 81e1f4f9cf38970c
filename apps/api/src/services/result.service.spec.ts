import { describe, expect, it, vi } from 'vitest';
import type { CountsResult, EventsResult } from '../../../../libs/contracts/src/index.js';
import { RetryLaterError, type QueueRepository } from '../repositories/queue.repository.js';
import { mockOf } from '../../../../test/support/mock.js';
import { AgentMessageVerifier } from './agent-message.verifier.js';
import { CheckService } from './check.service.js';
import { RunEventRepository } from '../repositories/run-event.repository.js';
import { RunRepository } from '../repositories/run.repository.js';
import { ResultService } from './result.service.js';
import { RunEventService } from './run-event.service.js';

const runId = '0b5b7c4e-2f0a-4e43-9d0c-6c1f3a4b5c6d';

function setup(accepts: AgentMessageVerifier['accepts'] = async () => true) {
  const runRepository = {
    markRunning: vi.fn().mockResolvedValue(true),
    storeSuccess: vi.fn().mockResolvedValue(true),
    markFailed: vi.fn().mockResolvedValue(true),
    markCancelled: vi.fn().mockResolvedValue(true),
  };
  const checkService = { judgeReady: vi.fn(async () => {}) };
  const runEvents = { storeChunk: vi.fn(async () => true), giveUpMissingChunks: vi.fn(async () => 1) };
  const rows = { hasAllChunks: vi.fn(async () => true) };
  const sut = new ResultService(
    {} as QueueRepository,
    mockOf(RunRepository, runRepository),
    mockOf(CheckService, checkService),
    mockOf(AgentMessageVerifier, { accepts }),
    mockOf(RunEventRepository, runEvents),
    mockOf(RunEventService, rows),
  );
  return { sut, runRepository, runEvents, rows, checkService };
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

  it('applies nothing the verifier rejects (not signed by the agent of the run\'s host)', async () => {
    const { sut, runRepository } = setup(async () => false);
    await sut.handle({ type: 'failed', runId, at: '', error: 'forged' });
    expect(runRepository.markFailed).not.toHaveBeenCalled();
  });

  it('asks for a retry when the verifier cannot answer (Redis or Postgres away)', async () => {
    const { sut } = setup(async () => {
      throw new Error('Connection is closed.');
    });
    await expect(sut.handle({ type: 'failed', runId, at: '', error: 'boom' })).rejects.toBeInstanceOf(RetryLaterError);
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

  describe('streamed events', () => {
    const streamed: EventsResult = { kind: 'events', columns: [{ name: 'pid', type: 'int' }], rows: [], total: 2500, dropped: 3, chunks: 3 };

    it('stores a chunk as it comes, and a chunk judges no check', async () => {
      const { sut, runEvents, checkService } = setup();
      await sut.handle({ type: 'chunk', runId, seq: 2, rows: [{ pid: 1 }, { pid: 2 }], at: '2026-01-01T00:00:00.000Z' });
      expect(runEvents.storeChunk).toHaveBeenCalledWith(runId, 2, [{ pid: 1 }, { pid: 2 }]);
      expect(checkService.judgeReady).not.toHaveBeenCalled();
    });

    it.each([
      ['a negative seq', { seq: -1, rows: [] }],
      ['a fractional seq', { seq: 1.5, rows: [] }],
      ['rows that are no array', { seq: 0, rows: { pid: 1 } }],
      ['a row that is no object', { seq: 0, rows: [{ pid: 1 }, 7] }],
      ['a row that is an array', { seq: 0, rows: [[1]] }],
      ['more rows than a chunk may hold', { seq: 0, rows: Array.from({ length: 10_001 }, () => ({})) }],
    ])('drops a chunk with %s', async (_, fields) => {
      const { sut, runEvents } = setup();
      await sut.handle({ type: 'chunk', runId, at: '', ...fields } as never);
      expect(runEvents.storeChunk).not.toHaveBeenCalled();
    });

    it('stores the end of a run once all its chunks are stored', async () => {
      const { sut, runRepository, rows } = setup();
      await sut.handle({ type: 'succeeded', runId, at: new Date().toISOString(), result: streamed, stats: {} });
      expect(rows.hasAllChunks).toHaveBeenCalledWith(runId, 3);
      expect(runRepository.storeSuccess).toHaveBeenCalledTimes(1);
    });

    it('asks for a retry of the end of a run (succeeded or cancelled) while some of its chunks are missing', async () => {
      const { sut, runRepository, rows } = setup();
      rows.hasAllChunks.mockResolvedValue(false);
      const at = new Date().toISOString();
      await expect(sut.handle({ type: 'succeeded', runId, at, result: streamed, stats: {} })).rejects.toBeInstanceOf(RetryLaterError);
      await expect(sut.handle({ type: 'cancelled', runId, at, result: streamed })).rejects.toBeInstanceOf(RetryLaterError);
      expect(runRepository.storeSuccess).not.toHaveBeenCalled();
      expect(runRepository.markCancelled).not.toHaveBeenCalled();
    });

    it('stores the end of a run without its missing chunks 10 minutes after it was sent, saying so', async () => {
      const { sut, runRepository, rows, runEvents } = setup();
      rows.hasAllChunks.mockResolvedValue(false);
      const at = new Date(Date.now() - 10 * 60_000 - 1000).toISOString();
      await sut.handle({ type: 'succeeded', runId, at, result: { ...streamed, note: 'stopped at maxEvents' }, stats: {} });
      expect(runEvents.giveUpMissingChunks).toHaveBeenCalledWith(runId, 3);
      expect(runRepository.storeSuccess).toHaveBeenCalledWith(runId, new Date(at), {
        ...streamed,
        note: 'stopped at maxEvents; 1 of its 3 chunks of rows never reached the API; their rows are not in the result',
      }, {});
    });

    it('does not wait for rows of a result that kept them, or of another kind', async () => {
      const { sut, rows } = setup();
      await sut.handle({ type: 'succeeded', runId, at: '', result: { ...streamed, chunks: undefined, rows: [{ pid: 1 }], total: 1 }, stats: {} });
      await sut.handle({ type: 'succeeded', runId, at: '', result: { kind: 'counts', keys: [], rows: [], total: 0 }, stats: {} });
      expect(rows.hasAllChunks).not.toHaveBeenCalled();
    });

    it('drops an end whose chunk count is not a count', async () => {
      const { sut, runRepository } = setup();
      await sut.handle({ type: 'succeeded', runId, at: '', result: { ...streamed, chunks: -2 }, stats: {} });
      expect(runRepository.storeSuccess).not.toHaveBeenCalled();
    });
  });
});
