import { ServiceUnavailableException } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import type { ApiConfig } from '../config.js';
import type { HostEntity } from '../entities/host.entity.js';
import type { JobRepository } from '../repositories/job.repository.js';
import type { QueueRepository } from '../repositories/queue.repository.js';
import type { HostService } from './host.service.js';
import { JobService } from './job.service.js';
import { ToolService } from './tool.service.js';

const host = (name: string, capabilities: Record<string, boolean>) =>
  ({ name, capabilities, labels: {}, kernel: '6.8', agentVersion: 'x', lastSeen: new Date(), firstSeen: new Date() }) as HostEntity;

function setup(hosts: HostEntity[]) {
  const jobRepository = {
    createWithRuns: vi.fn(async (input: { hosts: string[]; tool: string; params: object; durationSec: number }) => ({
      job: { id: 'job-1', tool: input.tool, params: input.params, durationSec: input.durationSec, status: 'queued' },
      runs: input.hosts.map((name, i) => ({ id: `run-${i}`, host: name, status: 'queued' })),
    })),
    failRuns: vi.fn().mockResolvedValue(undefined),
  };
  const queueRepository = { enqueueTraces: vi.fn().mockResolvedValue(undefined) };
  const hostService = { getForScheduling: vi.fn().mockResolvedValue(hosts) };
  const sut = new JobService(
    { maxDurationSec: 3600 } as ApiConfig,
    new ToolService(),
    hostService as unknown as HostService,
    jobRepository as unknown as JobRepository,
    queueRepository as unknown as QueueRepository,
  );
  return { sut, jobRepository, queueRepository };
}

const auth = { tokenId: 'token-1', role: 'admin' as const };

describe(JobService.name, () => {
  it('creates, then enqueues one payload per run with defaults filled in', async () => {
    const { sut, queueRepository } = setup([host('a', { rawTracepoint: true })]);
    const created = await sut.create({ tool: 'syscount', hosts: ['a'], durationSec: 3 }, auth);
    expect(created).toEqual({ id: 'job-1', status: 'queued', runs: [{ id: 'run-0', host: 'a', status: 'queued' }] });
    expect(queueRepository.enqueueTraces).toHaveBeenCalledWith([
      expect.objectContaining({ jobId: 'job-1', runId: 'run-0', host: 'a', durationSec: 3, params: expect.objectContaining({ latency: false }) }),
    ]);
  });

  it('rejects a host missing a required capability before writing anything', async () => {
    const { sut, jobRepository } = setup([host('a', { btf: true })]);
    await expect(sut.create({ tool: 'syscount', hosts: ['a'], durationSec: 3 }, auth)).rejects.toThrow(/hosts: host "a" lacks rawTracepoint/);
    expect(jobRepository.createWithRuns).not.toHaveBeenCalled();
  });

  it('fails the runs and answers 503 when the queue refuses them', async () => {
    const { sut, jobRepository, queueRepository } = setup([host('a', { rawTracepoint: true })]);
    queueRepository.enqueueTraces.mockRejectedValue(new Error('ECONNREFUSED'));
    await expect(sut.create({ tool: 'syscount', hosts: ['a'], durationSec: 3 }, auth)).rejects.toBeInstanceOf(
      ServiceUnavailableException,
    );
    expect(jobRepository.failRuns).toHaveBeenCalledWith('job-1', ['run-0'], expect.stringContaining('ECONNREFUSED'));
  });
});
