import { ConflictException, NotFoundException } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { mockOf } from '../../../../test/support/mock.js';
import type { ApiConfig } from '../config.js';
import { RetentionRepository, type DayPartition } from '../repositories/retention.repository.js';
import { RunEventRepository } from '../repositories/run-event.repository.js';
import { RetentionService } from './retention.service.js';

const day = (iso: string): DayPartition => ({ name: `run_events_${iso.replaceAll('-', '')}`, day: new Date(`${iso}T00:00:00Z`) });

function setup(partitions: DayPartition[], { deletedPerCall = [0], dropped = (_partition: DayPartition): boolean => true } = {}) {
  const retention = {
    dayPartitions: vi.fn(async () => partitions),
    dropPartition: vi.fn(async (partition: DayPartition) => dropped(partition)),
    deleteOldJobs: vi.fn(async () => deletedPerCall.shift() ?? 0),
    deleteOrphanKeptRows: vi.fn(async () => 7),
    deleteJob: vi.fn<RetentionRepository['deleteJob']>(),
  };
  const events = { ensurePartitions: vi.fn(async () => {}) };
  const sut = new RetentionService({ retentionDays: 30, retentionIntervalMs: 3_600_000 } as ApiConfig, mockOf(RetentionRepository, retention), mockOf(RunEventRepository, events));
  return { sut, retention, events };
}

describe(RetentionService.name, () => {
  const now = new Date('2026-03-31T12:00:00Z');

  it('drops the days that ended before the horizon (30 days before now, from its day start), oldest first, and no later one', async () => {
    const partitions = [day('2026-02-27'), day('2026-02-28'), day('2026-03-01'), day('2026-03-02')];
    const { sut, retention, events } = setup(partitions);
    const sweep = await sut.sweep(now);
    // Horizon 2026-03-01 12:00: 02-27 and 02-28 ended before 03-01 00:00; 03-01 holds rows younger than the horizon.
    expect(sweep.droppedPartitions).toEqual(['run_events_20260227', 'run_events_20260228']);
    expect(retention.dropPartition.mock.calls.map(([p]) => p.name)).toEqual(['run_events_20260227', 'run_events_20260228']);
    expect(events.ensurePartitions).toHaveBeenCalledWith(now);
    expect(retention.deleteOldJobs).toHaveBeenCalledWith(new Date('2026-03-01T12:00:00Z'), 500);
    expect(sweep.deletedKeptRows).toBe(7);
  });

  it('leaves the rest to the replica moving partitions at the moment', async () => {
    const { sut } = setup([day('2026-02-26'), day('2026-02-27')], { dropped: () => false });
    expect((await sut.sweep(now)).droppedPartitions).toEqual([]);
  });

  it('deletes old jobs 500 at a time until fewer are left', async () => {
    const { sut, retention } = setup([], { deletedPerCall: [500, 500, 12] });
    expect((await sut.sweep(now)).deletedJobs).toBe(1012);
    expect(retention.deleteOldJobs).toHaveBeenCalledTimes(3);
  });

  it('shares a sweep asked for while one runs', async () => {
    const { sut, retention } = setup([]);
    await Promise.all([sut.sweep(now), sut.sweep(now)]);
    expect(retention.dayPartitions).toHaveBeenCalledTimes(1);
  });

  describe('deleteJob', () => {
    it('is a 404 for an unknown job and a 409 naming the status of one still going on', async () => {
      const { sut, retention } = setup([]);
      retention.deleteJob.mockResolvedValueOnce({ found: false });
      await expect(sut.deleteJob('j')).rejects.toThrow(NotFoundException);
      retention.deleteJob.mockResolvedValueOnce({ found: true, deleted: false, statuses: ['succeeded', 'running'] });
      await expect(sut.deleteJob('j')).rejects.toThrow(new ConflictException('job j has not finished (status: running); cancel it first, or wait for it to end'));
      retention.deleteJob.mockResolvedValueOnce({ found: true, deleted: true });
      await expect(sut.deleteJob('j')).resolves.toBeUndefined();
    });
  });
});
