import { Job } from 'bullmq';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { AgentIncarnation, RunMessage, TraceJobPayload } from '../../../libs/contracts/src/index.js';
import { mockOf } from '../../../test/support/mock.js';
import { IncarnationRepository } from './incarnation.repository.js';
import { IncarnationService } from './incarnation.service.js';
import { ATTACHED_PROGRESS } from './lost-run.js';
import { RunReportRepository } from './run-report.repository.js';

const job = (runId: string, progress: Job['progress']) =>
  mockOf<Job<TraceJobPayload>>(Job, { data: { jobId: 'j', runId, host: 'h1', tool: 'syscount', durationSec: 5, params: {} }, progress });

describe(IncarnationService.name, () => {
  it("records itself, then fails at once the previous incarnation's attached runs and leaves the others to a retry", async () => {
    const previous: AgentIncarnation = { id: 'old', workerId: 'worker-old', startedAt: '2026-01-01T00:00:00.000Z' };
    const replace = vi.fn(async (_current: AgentIncarnation) => previous);
    const activeRunsHeldBy = vi.fn(async (_workerId: string | undefined) => [job('attached', ATTACHED_PROGRESS), job('preparing', 0)]);
    const sent: RunMessage[] = [];
    const sut = new IncarnationService(
      { hostName: 'h1' },
      mockOf(IncarnationRepository, { replace, activeRunsHeldBy }),
      mockOf(RunReportRepository, { send: vi.fn(async (message: RunMessage) => void sent.push(message)) }),
      pino({ level: 'silent' }),
    );

    expect(await sut.takeOver('worker-new')).toEqual(['attached']);

    expect(replace.mock.calls[0]![0]).toMatchObject({ workerId: 'worker-new' });
    expect(activeRunsHeldBy).toHaveBeenCalledWith('worker-old');
    expect(sent).toEqual([
      {
        type: 'failed',
        runId: 'attached',
        at: expect.any(String),
        error: 'the agent on h1 restarted during the run (its previous process was lost after attaching the probes); the run cannot be resumed',
      },
    ]);
  });

  it('looks only for runs whose lock lapsed when there was no previous incarnation', async () => {
    const activeRunsHeldBy = vi.fn(async (_workerId: string | undefined) => []);
    const sut = new IncarnationService(
      { hostName: 'h1' },
      mockOf(IncarnationRepository, { replace: async () => undefined, activeRunsHeldBy }),
      mockOf(RunReportRepository, {}),
      pino({ level: 'silent' }),
    );
    expect(await sut.takeOver('worker-new')).toEqual([]);
    expect(activeRunsHeldBy).toHaveBeenCalledWith(undefined);
  });
});
