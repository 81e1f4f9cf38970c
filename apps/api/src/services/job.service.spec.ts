import { ConflictException, ForbiddenException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import type { ApiConfig } from '../config.js';
import type { HostEntity } from '../entities/host.entity.js';
import { JobRepository, type NewJob } from '../repositories/job.repository.js';
import type { RunEntity, RunStatus } from '../entities/run.entity.js';
import type { JobEntity } from '../entities/job.entity.js';
import { QueueRepository } from '../repositories/queue.repository.js';
import { RedisRepository } from '../repositories/redis.repository.js';
import { mockOf } from '../../../../test/support/mock.js';
import { HostService } from './host.service.js';
import type { AuthContext } from './auth.service.js';
import { JobService } from './job.service.js';
import { ToolService } from './tool.service.js';

const host = (name: string, capabilities: Record<string, boolean>, labels: Record<string, string> = {}, lastSeen = new Date()) =>
  ({ name, capabilities, labels, kernel: '6.8', agentVersion: 'x', lastSeen, firstSeen: new Date() }) as HostEntity;

function setup(hosts: HostEntity[]) {
  const jobRepository = {
    createWithRuns: vi.fn(async (input: NewJob) => ({
      job: { id: 'job-1', tool: input.tool, params: input.params, durationSec: input.durationSec, status: 'queued' } as JobEntity,
      runs: input.runs.map(
        (run, i) =>
          ({ id: `run-${i}`, host: run.host, status: run.skipped ? 'skipped' : 'queued', error: run.skipped ?? null }) as RunEntity,
      ),
      tags: [],
    })),
    failRuns: vi.fn().mockResolvedValue(undefined),
    getById: vi.fn(),
    cancelQueuedRuns: vi.fn().mockResolvedValue(undefined),
  };
  const queueRepository = {
    enqueueTraces: vi.fn().mockResolvedValue(undefined),
    removeQueuedTrace: vi.fn().mockResolvedValue(true),
  };
  const redisRepository = { requestEnd: vi.fn().mockResolvedValue(undefined) };
  const hostService = {
    getForScheduling: vi.fn().mockResolvedValue(hosts),
    select: vi.fn(async (labels?: Record<string, string>) =>
      hosts.filter((h) => Object.entries(labels ?? {}).every(([key, value]) => h.labels[key] === value)),
    ),
    isOnline: vi.fn((h: HostEntity) => Date.now() - h.lastSeen.getTime() < 15_000),
  };
  const sut = new JobService(
    { maxDurationSec: 3600, runGraceSec: 60, dispatchTimeoutSec: 300, eventBudgetCaps: { maxEvents: 1_000_000, maxEventsPerSec: 100_000 } } as ApiConfig,
    new ToolService(),
    mockOf(HostService, hostService),
    mockOf(JobRepository, jobRepository),
    mockOf(QueueRepository, queueRepository),
    mockOf(RedisRepository, redisRepository),
  );
  return { sut, jobRepository, queueRepository, redisRepository };
}

const auth: AuthContext = { tokenId: 'token-1', tokenName: 'admin', scopes: ['read', 'run', 'admin'] };

describe(JobService.name, () => {
  it('creates, then enqueues one payload per run with defaults filled in', async () => {
    const { sut, queueRepository } = setup([host('a', { rawTracepoint: true })]);
    const created = await sut.create({ tool: 'syscount', hosts: ['a'], durationSec: 3 }, auth);
    expect(created).toEqual({ id: 'job-1', status: 'queued', runs: [{ id: 'run-0', host: 'a', status: 'queued', error: null }] });
    expect(queueRepository.enqueueTraces).toHaveBeenCalledWith([
      expect.objectContaining({ jobId: 'job-1', runId: 'run-0', host: 'a', durationSec: 3, params: expect.objectContaining({ latency: false }) }),
    ]);
  });

  describe('selector and all', () => {
    const fleet = () => [
      host('db-1', { rawTracepoint: true }, { role: 'db' }),
      host('db-2', { rawTracepoint: true }, { role: 'db' }, new Date(Date.now() - 60_000)),
      host('db-3', { btf: true }, { role: 'db' }),
      host('web-1', { rawTracepoint: true }, { role: 'web' }),
    ];

    it('runs on the matching hosts, skipping the offline one and the one lacking a capability, with reasons', async () => {
      const { sut, queueRepository, jobRepository } = setup(fleet());
      const created = await sut.create({ tool: 'syscount', selector: { labels: { role: 'db' } }, durationSec: 3 }, auth);
      expect(created.runs.map((run) => [run.host, run.status])).toEqual([
        ['db-1', 'queued'],
        ['db-2', 'skipped'],
        ['db-3', 'skipped'],
      ]);
      expect(created.runs[1].error).toMatch(/^host db-2 was offline at dispatch/);
      expect(created.runs[2].error).toBe('host db-3 lacks rawTracepoint, which syscount requires');
      expect(queueRepository.enqueueTraces).toHaveBeenCalledWith([expect.objectContaining({ host: 'db-1' })]);
      expect(jobRepository.createWithRuns).toHaveBeenCalledWith(expect.objectContaining({ target: { selector: { labels: { role: 'db' } } } }));
    });

    it('refuses a selector that matches no host, naming it, and two targets at once, naming both', async () => {
      const { sut, jobRepository } = setup(fleet());
      await expect(sut.create({ tool: 'syscount', selector: { labels: { role: 'cache' } }, durationSec: 3 }, auth)).rejects.toThrow(
        /^selector: no host has the labels role=cache/,
      );
      await expect(sut.create({ tool: 'syscount', hosts: ['db-1'], all: true, durationSec: 3 }, auth)).rejects.toThrow(
        /hosts: hosts and all are mutually exclusive.*; all: /,
      );
      await expect(sut.create({ tool: 'syscount', durationSec: 3 }, auth)).rejects.toThrow(/hosts: give exactly one of hosts, selector or all/);
      expect(jobRepository.createWithRuns).not.toHaveBeenCalled();
    });
  });

  it("refuses an event budget over the server's cap, naming the param, before writing anything", async () => {
    const { sut, jobRepository } = setup([host('a', { tracepoint: true, btf: true })]);
    await expect(
      sut.create({ tool: 'execsnoop', hosts: ['a'], durationSec: 3, params: { maxEvents: 2_000_000 } }, auth),
    ).rejects.toThrow("params.maxEvents: must be <= 1000000 (the server's cap)");
    expect(jobRepository.createWithRuns).not.toHaveBeenCalled();
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

  describe('an admin-only tool (bpftrace)', () => {
    const job = { tool: 'bpftrace', hosts: ['a'], durationSec: 3, params: { program: 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }' } };
    const allowed = { bpftrace: true, customPrograms: true };

    it('refuses a non-admin token with 403 naming the reason, before writing anything', async () => {
      const { sut, jobRepository, queueRepository } = setup([host('a', allowed)]);
      const error = await sut.create(job, { tokenId: 'token-2', tokenName: 'ci', scopes: ['read', 'run'] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ForbiddenException);
      expect((error as ForbiddenException).getStatus()).toBe(403);
      expect((error as ForbiddenException).message).toMatch(/tool "bpftrace" is admin-only/);
      expect(jobRepository.createWithRuns).not.toHaveBeenCalled();
      expect(queueRepository.enqueueTraces).not.toHaveBeenCalled();
    });

    it('accepts an admin token on a host that allows custom programs', async () => {
      const { sut, queueRepository } = setup([host('a', allowed)]);
      await sut.create(job, auth);
      expect(queueRepository.enqueueTraces).toHaveBeenCalledWith([expect.objectContaining({ tool: 'bpftrace', params: job.params })]);
    });

    it('refuses a host whose agent does not allow custom programs, naming hosts', async () => {
      const { sut, jobRepository } = setup([host('a', { bpftrace: true, customPrograms: false })]);
      await expect(sut.create(job, auth)).rejects.toThrow(/hosts: host "a" lacks customPrograms, which bpftrace requires/);
      expect(jobRepository.createWithRuns).not.toHaveBeenCalled();
    });
  });

  describe('cancel', () => {
    const jobId = 'job-1';
    const stored = (...statuses: RunStatus[]) => ({
      job: { id: jobId, tool: 'syscount', params: {}, durationSec: 60, status: 'running', createdAt: new Date() } as JobEntity,
      runs: statuses.map(
        (status, i) =>
          ({ id: `run-${i}`, jobId, host: `h${i}`, status, startedAt: null, finishedAt: null, error: null, stats: null }) as RunEntity,
      ),
      tags: [],
    });

    it('takes queued runs off their queue and cancels them at once; signals running runs to their agents', async () => {
      const { sut, jobRepository, queueRepository, redisRepository } = setup([]);
      jobRepository.getById.mockResolvedValueOnce(stored('queued', 'running', 'succeeded'));
      jobRepository.getById.mockResolvedValueOnce(stored('cancelled', 'running', 'succeeded'));

      const answer = await sut.cancel(jobId);

      expect(redisRepository.requestEnd).toHaveBeenCalledWith([expect.objectContaining({ id: 'run-1', host: 'h1' })], 'cancel', 60 + 60 + 3600);
      expect(redisRepository.requestEnd).toHaveBeenCalledWith([expect.objectContaining({ id: 'run-0', host: 'h0' })], 'cancel', 60 + 60 + 3600);
      expect(queueRepository.removeQueuedTrace).toHaveBeenCalledExactlyOnceWith('h0', 'run-0');
      expect(jobRepository.cancelQueuedRuns).toHaveBeenCalledWith(jobId, ['run-0']);
      expect(answer.status).toBe('running');
      expect(answer.runs.map((run) => run.status)).toEqual(['cancelled', 'running', 'succeeded']);
    });

    it('leaves a queued run an agent already took to that agent (it finds the cancel key)', async () => {
      const { sut, jobRepository, queueRepository } = setup([]);
      jobRepository.getById.mockResolvedValue(stored('queued'));
      queueRepository.removeQueuedTrace.mockResolvedValueOnce(false);
      await sut.cancel(jobId);
      expect(jobRepository.cancelQueuedRuns).not.toHaveBeenCalled();
    });

    it('answers an already cancelled job again (idempotent), without touching Redis', async () => {
      const { sut, jobRepository, redisRepository } = setup([]);
      jobRepository.getById.mockResolvedValue(stored('cancelled', 'succeeded'));
      await expect(sut.cancel(jobId)).resolves.toMatchObject({ id: jobId, status: 'cancelled' });
      expect(redisRepository.requestEnd).not.toHaveBeenCalled();
    });

    it.each([
      [['succeeded'], 'succeeded'],
      [['failed'], 'failed'],
      [['succeeded', 'failed'], 'partial'],
    ] as const)('refuses a job that finished %j with 409 naming its status', async (statuses, status) => {
      const { sut, jobRepository, redisRepository } = setup([]);
      jobRepository.getById.mockResolvedValue(stored(...statuses));
      const error = await sut.cancel(jobId).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictException);
      expect((error as Error).message).toContain(`already finished (status: ${status})`);
      expect(redisRepository.requestEnd).not.toHaveBeenCalled();
    });

    it('is a 404 for an unknown job', async () => {
      const { sut, jobRepository } = setup([]);
      jobRepository.getById.mockResolvedValue(null);
      await expect(sut.cancel(jobId)).rejects.toBeInstanceOf(NotFoundException);
    });

    it('records the runs it did take off their queue before answering 503 for the ones Redis refused', async () => {
      const { sut, jobRepository, queueRepository } = setup([]);
      jobRepository.getById.mockResolvedValue(stored('queued', 'queued'));
      queueRepository.removeQueuedTrace.mockResolvedValueOnce(true).mockRejectedValueOnce(new Error('ETIMEDOUT'));
      await expect(sut.cancel(jobId)).rejects.toBeInstanceOf(ServiceUnavailableException);
      expect(jobRepository.cancelQueuedRuns).toHaveBeenCalledWith(jobId, ['run-0']);
    });

    it('answers 503 and cancels nothing when the cancel keys cannot be written', async () => {
      const { sut, jobRepository, queueRepository, redisRepository } = setup([]);
      jobRepository.getById.mockResolvedValue(stored('queued'));
      redisRepository.requestEnd.mockRejectedValueOnce(new Error('ECONNREFUSED'));
      await expect(sut.cancel(jobId)).rejects.toBeInstanceOf(ServiceUnavailableException);
      expect(queueRepository.removeQueuedTrace).not.toHaveBeenCalled();
      expect(jobRepository.cancelQueuedRuns).not.toHaveBeenCalled();
    });
  });
});
