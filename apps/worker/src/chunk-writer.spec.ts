import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChunkMessage } from '../../../libs/contracts/src/index.js';
import { ChunkWriter, type ChunkOptions } from './chunk-writer.js';

const logger = pino({ level: 'silent' });
const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ n: from + i }));
const ns = (message: ChunkMessage) => message.rows.map((row) => row.n);

describe(ChunkWriter.name, () => {
  let sent: ChunkMessage[];
  let send: ReturnType<typeof vi.fn<(message: ChunkMessage) => Promise<void>>>;
  const writer = (options: Partial<ChunkOptions> = {}) =>
    new ChunkWriter('run-1', send, { rows: 3, flushMs: 50, maxBufferedRows: 100, ...options }, logger);

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    send = vi.fn(async (message: ChunkMessage) => void sent.push(message));
  });
  afterEach(() => vi.useRealTimers());

  it('sends a chunk as soon as it is full, numbered from 0, and the rest when closed', async () => {
    const sut = writer();
    for (const row of rows(0, 3)) sut.write(row);
    await vi.advanceTimersByTimeAsync(0);
    for (const row of rows(3, 4)) sut.write(row);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map(ns)).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(await sut.close()).toEqual({ chunks: 3, rows: 7, dropped: 0 });
    expect(sent.map((m) => [m.type, m.runId, m.seq])).toEqual([
      ['chunk', 'run-1', 0],
      ['chunk', 'run-1', 1],
      ['chunk', 'run-1', 2],
    ]);
    expect(sent.map(ns)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('sends a partial chunk once its oldest row has waited flushMs, not before', async () => {
    const sut = writer();
    sut.write({ n: 0 });
    await vi.advanceTimersByTimeAsync(30);
    sut.write({ n: 1 });
    await vi.advanceTimersByTimeAsync(19);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent.map(ns)).toEqual([[0, 1]]);
  });

  it('sends one chunk at a time: rows that come meanwhile go in the next chunk, up to 5 chunks\' worth, once the one before was taken', async () => {
    let release!: () => void;
    send.mockImplementationOnce(async (message) => {
      sent.push(message);
      await new Promise<void>((resolve) => (release = resolve));
    });
    const sut = writer({ rows: 2 });
    for (const row of rows(0, 2)) sut.write(row);
    await vi.advanceTimersByTimeAsync(0);
    for (const row of rows(2, 11)) sut.write(row);
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.map(ns)).toEqual([[0, 1]]);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map(ns)).toEqual([[0, 1], [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]]);
    // Row 12 came 10 ms ago: it goes when it has waited 50.
    await vi.advanceTimersByTimeAsync(39);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent.map(ns)).toEqual([[0, 1], [2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [12]]);
  });

  it('drops and counts rows past maxBufferedRows while Redis does not take a chunk', async () => {
    let release!: () => void;
    send.mockImplementationOnce(async (message) => {
      sent.push(message);
      await new Promise<void>((resolve) => (release = resolve));
    });
    const sut = writer({ rows: 2, maxBufferedRows: 4 });
    for (const row of rows(0, 2)) sut.write(row);
    await vi.advanceTimersByTimeAsync(0);
    for (const row of rows(2, 10)) sut.write(row);
    release();
    expect(await sut.close()).toEqual({ chunks: 2, rows: 6, dropped: 6 });
    expect(sent.map(ns)).toEqual([[0, 1], [2, 3, 4, 5]]);
  });

  it('sends a failed chunk again, the same message, so its number is never skipped', async () => {
    send.mockRejectedValueOnce(new Error('READONLY')).mockRejectedValueOnce(new Error('READONLY'));
    const sut = writer();
    for (const row of rows(0, 4)) sut.write(row);
    const closed = sut.close();
    await vi.advanceTimersByTimeAsync(500 + 1000);
    expect(await closed).toEqual({ chunks: 2, rows: 4, dropped: 0 });
    expect(send.mock.calls.map(([m]) => [m.seq, ns(m)])).toEqual([
      [0, [0, 1, 2]],
      [0, [0, 1, 2]],
      [0, [0, 1, 2]],
      [1, [3]],
    ]);
  });

  it('gives a chunk up after 5 attempts, counting its rows dropped and using its number for the next chunk', async () => {
    for (let i = 0; i < 5; i++) send.mockRejectedValueOnce(new Error('OOM command not allowed'));
    const sut = writer();
    for (const row of rows(0, 4)) sut.write(row);
    const closed = sut.close();
    await vi.advanceTimersByTimeAsync(500 + 1000 + 2000 + 4000);
    expect(await closed).toEqual({ chunks: 1, rows: 1, dropped: 3 });
    expect(sent.map((m) => [m.seq, ns(m)])).toEqual([[0, [3]]]);
  });

  it('sends the rows a result kept, when closed, in chunks after those already written', async () => {
    const sut = writer({ rows: 2, maxBufferedRows: 2 });
    sut.write({ n: 0 });
    expect(await sut.close(rows(1, 5))).toEqual({ chunks: 4, rows: 6, dropped: 0 });
    expect(sent.map(ns)).toEqual([[0], [1, 2], [3, 4], [5]]);
  });

  it('sends nothing for a run without rows', async () => {
    expect(await writer().close()).toEqual({ chunks: 0, rows: 0, dropped: 0 });
    expect(send).not.toHaveBeenCalled();
  });
});
