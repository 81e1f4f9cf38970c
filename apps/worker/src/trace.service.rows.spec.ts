import { pino } from 'pino';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CAPABILITIES, type Capabilities, type EventsResult, type RunMessage, type TraceJobPayload } from '../../../libs/contracts/src/index.js';
import type { ToolRunner } from '../../../libs/tools/src/definition.js';
import { mockOf } from '../../../test/support/mock.js';
import { RunStoppedError } from './cancel.service.js';
import { CapabilityRepository } from './capability.repository.js';
import { RunReportRepository } from './run-report.repository.js';
import { ToolRunnerRepository } from './tool-runner.repository.js';
import { TraceService } from './trace.service.js';

const allCapabilities = Object.fromEntries(CAPABILITIES.map((c) => [c, true])) as Capabilities;
/** A new one each time: validation fills the params' defaults in. */
const payload = (tool = 'execsnoop'): TraceJobPayload => ({ jobId: 'job-1', runId: 'run-1', host: 'h1', tool, durationSec: 2, params: {} });
const columns: EventsResult['columns'] = [{ name: 'pid', type: 'int' }];
const pids = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ pid: from + i }));

describe(`${TraceService.name}: rows of events runs`, () => {
  let sut: TraceService;
  let sent: RunMessage[];
  let runner: ReturnType<typeof vi.fn<ToolRunner>>;

  beforeEach(() => {
    sent = [];
    runner = vi.fn<ToolRunner>();
    const reports = mockOf(RunReportRepository, { send: vi.fn(async (message: RunMessage) => void sent.push(message)) });
    const runners = mockOf(ToolRunnerRepository, { get: vi.fn(async () => runner) });
    const host = mockOf(CapabilityRepository, { kernel: '6.18.0', capabilities: allCapabilities });
    const config = {
      hostName: 'h1',
      maxDurationSec: 3600,
      eventBudgetCaps: { maxEvents: 1_000_000, maxEventsPerSec: 100_000 },
      chunks: { rows: 2, flushMs: 50, maxBufferedRows: 100 },
    };
    sut = new TraceService(config, host, runners, reports, pino({ level: 'silent' }));
  });

  const chunks = () => sent.filter((m): m is Extract<RunMessage, { type: 'chunk' }> => m.type === 'chunk');

  it('sends the rows a runner streams as numbered chunks, all before the end, which carries the totals and no rows', async () => {
    runner.mockImplementation(async (ctx) => {
      ctx.onAttached();
      for (const row of pids(100, 5)) ctx.rows!.write(row);
      return { result: { kind: 'events', columns, rows: [], total: 5, dropped: 2 }, stats: { tracedMs: 2000 } };
    });
    await sut.execute(payload(), new AbortController().signal);
    // The first chunk as soon as it is full; the rows written meanwhile together in the next.
    expect(chunks().map((m) => [m.seq, m.rows])).toEqual([
      [0, [{ pid: 100 }, { pid: 101 }]],
      [1, [{ pid: 102 }, { pid: 103 }, { pid: 104 }]],
    ]);
    const last = sent.at(-1)!;
    expect(last).toMatchObject({ type: 'succeeded', result: { kind: 'events', columns, rows: [], total: 5, dropped: 2, chunks: 2 } });
    expect(sent.findIndex((m) => m.type === 'succeeded')).toBe(sent.length - 1);
  });

  it('sends the rows of a runner that kept them in its result (bpftrace) as chunks too', async () => {
    runner.mockImplementation(async (ctx) => {
      ctx.onAttached();
      return { result: { kind: 'events', columns, rows: pids(1, 3), total: 4, dropped: 1 }, stats: {} };
    });
    await sut.execute(payload(), new AbortController().signal);
    expect(chunks().map((m) => m.rows)).toEqual([[{ pid: 1 }, { pid: 2 }], [{ pid: 3 }]]);
    expect(sent.at(-1)).toMatchObject({ type: 'succeeded', result: { rows: [], total: 4, dropped: 1, chunks: 2 } });
  });

  it('counts rows the agent could not buffer as dropped, not as rows', async () => {
    const reports = mockOf(RunReportRepository, {
      send: vi.fn(async (message: RunMessage) => {
        sent.push(message);
        // Redis is slow: the first chunk takes a while, and rows pile up behind it.
        if (message.type === 'chunk' && message.seq === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }),
    });
    const runners = mockOf(ToolRunnerRepository, { get: vi.fn(async () => runner) });
    const host = mockOf(CapabilityRepository, { kernel: '6.18.0', capabilities: allCapabilities });
    const config = { hostName: 'h1', maxDurationSec: 3600, eventBudgetCaps: { maxEvents: 1_000_000, maxEventsPerSec: 100_000 }, chunks: { rows: 2, flushMs: 50, maxBufferedRows: 3 } };
    sut = new TraceService(config, host, runners, reports, pino({ level: 'silent' }));
    runner.mockImplementation(async (ctx) => {
      ctx.onAttached();
      for (const row of pids(0, 10)) ctx.rows!.write(row);
      return { result: { kind: 'events', columns, rows: [], total: 10, dropped: 0 }, stats: {} };
    });
    await sut.execute(payload(), new AbortController().signal);
    // 2 in the first chunk, 3 buffered behind it, 5 dropped.
    expect(chunks().flatMap((m) => m.rows)).toEqual(pids(0, 5));
    expect(sent.at(-1)).toMatchObject({ type: 'succeeded', result: { total: 5, dropped: 5, chunks: 2 } });
  });

  it('sends the rows streamed before a stop with the run ended succeeded', async () => {
    const stop = new AbortController();
    runner.mockImplementation(async (ctx) => {
      ctx.onAttached();
      ctx.rows!.write({ pid: 7 });
      stop.abort(new RunStoppedError());
      return { result: { kind: 'events', columns, rows: [], total: 1, dropped: 0 }, stats: {} };
    });
    await sut.execute(payload(), stop.signal);
    expect(chunks().map((m) => m.rows)).toEqual([[{ pid: 7 }]]);
    expect(sent.at(-1)).toMatchObject({ type: 'succeeded', result: { chunks: 1, total: 1 }, stats: { stopReason: 'stop' } });
  });

  it('still sends the rows streamed before a runner failed', async () => {
    runner.mockImplementation(async (ctx) => {
      ctx.onAttached();
      ctx.rows!.write({ pid: 9 });
      throw new Error('ring buffer poll failed');
    });
    await sut.execute(payload(), new AbortController().signal);
    expect(chunks().map((m) => m.rows)).toEqual([[{ pid: 9 }]]);
    expect(sent.find((m) => m.type === 'failed')).toMatchObject({ error: 'ring buffer poll failed' });
  });

  it('leaves a result of another kind as it is', async () => {
    const counts = { kind: 'counts' as const, keys: ['syscall'], rows: [{ syscall: 'read', count: 2 }], total: 2 };
    runner.mockImplementation(async (ctx) => {
      ctx.onAttached();
      return { result: counts, stats: {} };
    });
    await sut.execute(payload('syscount'), new AbortController().signal);
    expect(chunks()).toEqual([]);
    expect(sent.at(-1)).toMatchObject({ type: 'succeeded', result: counts });
  });
});
