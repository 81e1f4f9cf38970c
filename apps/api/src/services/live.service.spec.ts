import { BadRequestException } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { mockOf } from '../../../../test/support/mock.js';
import { JobRepository } from '../repositories/job.repository.js';
import { LiveRepository, type JournalEntry, type JournalRead } from '../repositories/live.repository.js';
import { RunEventRepository } from '../repositories/run-event.repository.js';
import { LiveService, parseLastEventId, type LiveEvent } from './live.service.js';

const RUN = '0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10';
const status = (id: string, value: JournalEntry['status']): JournalEntry => ({
  xid: '700',
  id,
  runId: RUN,
  host: 'h1',
  at: '2026-01-02T03:04:05.678901+00:00',
  status: value,
  error: null,
  seq: null,
});
const chunk = (id: string, seq: number): JournalEntry => ({ ...status(id, null), seq });

/** A LiveService over a journal whose reads answer `reads` in turn (the last one again after that). */
function setup(reads: JournalRead[]) {
  const read = vi.fn<LiveRepository['read']>(async () => reads.shift()!);
  let wake = () => {};
  const live = mockOf(LiveRepository, {
    read,
    watch: (_job: string, onWake: () => void) => {
      wake = onWake;
      return () => {};
    },
  });
  const rows = mockOf(RunEventRepository, { chunkRows: vi.fn(async (_run: string, seq: number) => [`{"n":${seq * 10}}`, `{"n":${seq * 10 + 1}}`]) });
  const sut = new LiveService(mockOf(JobRepository, {}), live, rows);
  const sent: LiveEvent[] = [];
  const sink = { send: async (event: LiveEvent) => void sent.push(event) };
  return { sut, sink, sent, read, wake: () => wake() };
}

describe(LiveService.name, () => {
  it('sends each entry with its id, rows as they were stored, and end once every run finished and nothing waits', async () => {
    const { sut, sink, sent, wake } = setup([
      { entries: [status('1', 'running'), chunk('2', 0)], pending: false, statuses: ['running'] },
      { entries: [status('3', 'succeeded')], pending: false, statuses: ['succeeded'] },
    ]);
    const following = sut.follow('job-1', undefined, sink, new AbortController().signal);
    await vi.waitFor(() => expect(sent).toHaveLength(2));
    // The run is still going: nothing more until the journal is notified.
    wake();
    await following;
    expect(sent).toEqual([
      { id: '700-1', event: 'status', data: `{"runId":"${RUN}","host":"h1","status":"running","at":"2026-01-02T03:04:05.678Z","error":null}` },
      { id: '700-2', event: 'rows', data: `{"runId":"${RUN}","host":"h1","seq":0,"rows":[{"n":0},{"n":1}]}` },
      { id: '700-3', event: 'status', data: `{"runId":"${RUN}","host":"h1","status":"succeeded","at":"2026-01-02T03:04:05.678Z","error":null}` },
      { event: 'end', data: '{"status":"succeeded"}' },
    ]);
  });

  it('does not end while entries wait for an older transaction, even with every run finished', async () => {
    const { sut, sink, sent, read } = setup([
      { entries: [], pending: true, statuses: ['succeeded'] },
      { entries: [chunk('9', 4)], pending: false, statuses: ['succeeded'] },
    ]);
    await sut.follow('job-1', { xid: '700', id: '8' }, sink, new AbortController().signal);
    expect(sent.map((event) => [event.id, event.event])).toEqual([
      ['700-9', 'rows'],
      [undefined, 'end'],
    ]);
    expect(sent[1]!.data).toBe('{"status":"succeeded"}');
    // Read again soon (20 ms), from the same place: the waiting entry is there now.
    expect(read.mock.calls.map((call) => call[1])).toEqual([{ xid: '700', id: '8' }, { xid: '700', id: '8' }]);
  });

  it('reads again when woken, and stops when the client leaves', async () => {
    const { sut, sink, sent, read, wake } = setup([
      { entries: [], pending: false, statuses: ['running'] },
      { entries: [status('5', 'running')], pending: false, statuses: ['running'] },
      { entries: [], pending: false, statuses: ['running'] },
    ]);
    const left = new AbortController();
    const following = sut.follow('job-1', undefined, sink, left.signal);
    await vi.waitFor(() => expect(read).toHaveBeenCalledTimes(1));
    wake();
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    left.abort();
    await following;
    expect(sent.map((event) => event.id)).toEqual(['700-5']);
  });
});

describe('parseLastEventId', () => {
  it('reads `<xid>-<id>`, and nothing when absent', () => {
    expect(parseLastEventId('123456789012-42')).toEqual({ xid: '123456789012', id: '42' });
    expect(parseLastEventId(undefined)).toBeUndefined();
    expect(parseLastEventId('')).toBeUndefined();
  });

  it.each(['abc', '1', '1-', '-1', '1-2-3', '1 -2', `${'9'.repeat(21)}-1`])('refuses %j naming the header', (header) => {
    expect(() => parseLastEventId(header)).toThrow(BadRequestException);
    expect(() => parseLastEventId(header)).toThrow(/Last-Event-ID/);
  });
});
