import { pino } from 'pino';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Capabilities, RunMessage, TraceJobPayload } from '../../../libs/contracts/src/index.js';
import { CAPABILITIES } from '../../../libs/contracts/src/index.js';
import type { ToolRunner } from '../../../libs/tools/src/definition.js';
import { mockOf } from '../../../test/support/mock.js';
import { CapabilityRepository } from './capability.repository.js';
import { RunReportRepository } from './run-report.repository.js';
import { ToolRunnerRepository } from './tool-runner.repository.js';
import { RunCancelledError, RunStoppedError } from './cancel.service.js';
import { TraceService } from './trace.service.js';

const allCapabilities = Object.fromEntries(CAPABILITIES.map((c) => [c, true])) as Capabilities;
const payload = (overrides: Partial<TraceJobPayload> = {}): TraceJobPayload => ({
  jobId: 'job-1',
  runId: 'run-1',
  host: 'h1',
  tool: 'syscount',
  durationSec: 2,
  params: {},
  ...overrides,
});
const countsResult = { kind: 'counts' as const, keys: ['syscall'], rows: [], total: 0 };

describe(TraceService.name, () => {
  let sut: TraceService;
  let sent: RunMessage[];
  let runner: ReturnType<typeof vi.fn<ToolRunner>>;
  let host: CapabilityRepository;

  beforeEach(() => {
    sent = [];
    runner = vi.fn<ToolRunner>(async (ctx) => {
      ctx.onAttached();
      return { result: countsResult, stats: { attachMs: 3 } };
    });
    host = mockOf(CapabilityRepository, { kernel: '6.18.0', capabilities: { ...allCapabilities } });
    const reports = mockOf(RunReportRepository, { send: vi.fn(async (message: RunMessage) => void sent.push(message)) });
    const runners = mockOf(ToolRunnerRepository, { get: vi.fn(async (name: string) => (name === 'syscount' ? runner : undefined)) });
    const config = {
      hostName: 'h1',
      maxDurationSec: 3600,
      eventBudgetCaps: { maxEvents: 1_000_000, maxEventsPerSec: 100_000 },
      chunks: { rows: 1000, flushMs: 50, maxBufferedRows: 20_000 },
    };
    sut = new TraceService(config, host, runners, reports, pino({ level: 'silent' }));
  });

  it('reports running once attached, then the result with its stats', async () => {
    await sut.execute(payload(), new AbortController().signal);
    expect(sent.map((m) => m.type)).toEqual(['running', 'succeeded']);
    expect(sent[1]).toMatchObject({ runId: 'run-1', result: countsResult, stats: { attachMs: 3 } });
  });

  it('records the attach on its queue job before reporting running, so a run reported running is never rerun', async () => {
    const order: string[] = [];
    runner.mockImplementationOnce(async (ctx) => {
      ctx.onAttached();
      await vi.waitFor(() => expect(sent.map((m) => m.type)).toContain('running'));
      return { result: countsResult, stats: {} };
    });
    await sut.execute(payload(), new AbortController().signal, async () => {
      order.push(`recorded, ${sent.length} sent`);
    });
    expect(order).toEqual(['recorded, 0 sent']);
    expect(sent.map((m) => m.type)).toEqual(['running', 'succeeded']);
  });

  it('still reports running when the attach could not be recorded', async () => {
    await sut.execute(payload(), new AbortController().signal, async () => {
      throw new Error('Connection is closed.');
    });
    expect(sent.map((m) => m.type)).toEqual(['running', 'succeeded']);
  });

  it('passes the duration in milliseconds and the params with their defaults filled in', async () => {
    await sut.execute(payload({ params: { pid: 7 } }), new AbortController().signal);
    expect(runner.mock.calls[0]![0]).toMatchObject({
      durationMs: 2000,
      params: { pid: 7, latency: false, failedOnly: false, by: ['syscall'] },
    });
  });

  it('fails a run with invalid params without running anything', async () => {
    await sut.execute(payload({ params: { pid: 'x' } }), new AbortController().signal);
    expect(runner).not.toHaveBeenCalled();
    expect(sent).toEqual([expect.objectContaining({ type: 'failed', error: expect.stringContaining('params.pid') })]);
  });

  it('refuses a run of another host without running anything', async () => {
    await sut.execute(payload({ host: 'h2' }), new AbortController().signal);
    expect(runner).not.toHaveBeenCalled();
    expect(sent).toEqual([
      expect.objectContaining({ type: 'failed', error: 'run run-1 is for host "h2", not for this agent\'s host h1' }),
    ]);
  });

  it('says by how much the window was overrun when the agent stalled past it', async () => {
    runner.mockResolvedValueOnce({ result: countsResult, stats: { tracedMs: 14_000 } });
    await sut.execute(payload(), new AbortController().signal);
    expect(sent.at(-1)).toMatchObject({ type: 'succeeded', stats: { tracedMs: 14_000, overrunMs: 12_000 } });
  });

  it('fails a run of an unknown tool', async () => {
    await sut.execute(payload({ tool: 'nope' }), new AbortController().signal);
    expect(sent).toEqual([expect.objectContaining({ type: 'failed', error: 'unknown tool "nope"' })]);
  });

  it('refuses a tool whose needs the host lacks, naming them', async () => {
    host.capabilities.rawTracepoint = false;
    await sut.execute(payload(), new AbortController().signal);
    expect(runner).not.toHaveBeenCalled();
    expect(sent[0]).toMatchObject({ type: 'failed', error: 'host h1 lacks rawTracepoint, which syscount needs' });
  });

  it('refuses a custom program (bpftrace) unless this agent allows them, whatever the queue says', async () => {
    host.capabilities.customPrograms = false;
    await sut.execute(payload({ tool: 'bpftrace', params: { program: 'BEGIN { }' } }), new AbortController().signal);
    expect(runner).not.toHaveBeenCalled();
    expect(sent).toEqual([expect.objectContaining({ type: 'failed', error: 'host h1 lacks customPrograms, which bpftrace needs' })]);
  });

  it('reports the runner error as the run error', async () => {
    runner.mockRejectedValueOnce(new Error('bpf_object__load: Permission denied'));
    await sut.execute(payload(), new AbortController().signal);
    expect(sent).toEqual([expect.objectContaining({ type: 'failed', error: 'bpf_object__load: Permission denied' })]);
  });

  it('fails a run aborted by shutdown with the abort reason, keeping its stats', async () => {
    const controller = new AbortController();
    runner.mockImplementationOnce(async (ctx) => {
      ctx.onAttached();
      controller.abort(new Error('the agent on h1 shut down during the run'));
      return { result: countsResult, stats: { tracedMs: 5 } };
    });
    await sut.execute(payload(), controller.signal);
    expect(sent[1]).toMatchObject({ type: 'failed', error: 'the agent on h1 shut down during the run', stats: { tracedMs: 5 } });
  });

  it('refuses, without retry, a durationSec or an event budget over its bounds: its queue is not trusted blindly', async () => {
    await sut.execute(payload({ durationSec: 99_999 }), new AbortController().signal);
    await sut.execute(payload({ tool: 'execsnoop', params: { maxEvents: 5_000_000 } }), new AbortController().signal);
    expect(sent.map((m) => m.type === 'failed' && m.error)).toEqual([
      'durationSec must be an integer from 1 to 3600, got 99999',
      "invalid params: params.maxEvents must be <= 1000000 (the server's cap)",
    ]);
    expect(runner).not.toHaveBeenCalled();
  });

  describe('stop', () => {
    it('reports a run stopped while attached as succeeded with what it saw: its trace window just ended early', async () => {
      const controller = new AbortController();
      const seen = { ...countsResult, rows: [{ syscall: 'read', count: 4 }], total: 4 };
      runner.mockImplementationOnce(async (ctx) => {
        ctx.onAttached();
        controller.abort(new RunStoppedError());
        return { result: seen, stats: { tracedMs: 300 } };
      });
      await sut.execute(payload(), controller.signal);
      expect(sent.map((m) => m.type)).toEqual(['running', 'succeeded']);
      expect(sent[1]).toEqual({ type: 'succeeded', runId: 'run-1', at: expect.any(String), result: seen, stats: { tracedMs: 300, stopReason: 'stop' } });
    });

    it('reports a run stopped before its probes were attached as cancelled: it observed nothing', async () => {
      const controller = new AbortController();
      controller.abort(new RunStoppedError());
      await sut.execute(payload(), controller.signal);
      expect(sent).toEqual([{ type: 'cancelled', runId: 'run-1', at: expect.any(String) }]);
    });
  });

  describe('cancel', () => {
    const cancelled = () => {
      const controller = new AbortController();
      return { controller, cancel: () => controller.abort(new RunCancelledError()) };
    };

    it('reports a run cancelled while attached as cancelled, keeping its partial result and stats', async () => {
      const { controller, cancel } = cancelled();
      const partial = { ...countsResult, rows: [{ syscall: 'read', count: 4 }], total: 4 };
      runner.mockImplementationOnce(async (ctx) => {
        ctx.onAttached();
        cancel();
        return { result: partial, stats: { tracedMs: 700 } };
      });
      await sut.execute(payload(), controller.signal);
      expect(sent.map((m) => m.type)).toEqual(['running', 'cancelled']);
      expect(sent[1]).toEqual({ type: 'cancelled', runId: 'run-1', at: expect.any(String), result: partial, stats: { tracedMs: 700, stopReason: 'cancel' } });
    });

    it('keeps no result when the run was cancelled before its probes were attached', async () => {
      const { controller, cancel } = cancelled();
      runner.mockImplementationOnce(async () => {
        cancel();
        return { result: countsResult, stats: {} };
      });
      await sut.execute(payload(), controller.signal);
      expect(sent).toEqual([{ type: 'cancelled', runId: 'run-1', at: expect.any(String), stats: { stopReason: 'cancel' } }]);
    });

    it('does not start a run cancelled while it waited in the queue', async () => {
      const { controller, cancel } = cancelled();
      cancel();
      await sut.execute(payload(), controller.signal);
      expect(runner).not.toHaveBeenCalled();
      expect(sent).toEqual([{ type: 'cancelled', runId: 'run-1', at: expect.any(String) }]);
    });

    it('reports cancelled, without a result, when the runner throws on the abort', async () => {
      const { controller, cancel } = cancelled();
      runner.mockImplementationOnce(async (ctx) => {
        ctx.onAttached();
        cancel();
        throw new Error('ring buffer poll interrupted');
      });
      await sut.execute(payload(), controller.signal);
      expect(sent.map((m) => m.type)).toEqual(['running', 'cancelled']);
      expect(sent[1]).not.toHaveProperty('result');
    });
  });
});
