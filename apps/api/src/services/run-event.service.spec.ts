import { BadRequestException } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import type { EventsResult } from '../../../../libs/contracts/src/index.js';
import { mockOf } from '../../../../test/support/mock.js';
import { RunEventRepository, type RowsText, type RunRowsState } from '../repositories/run-event.repository.js';
import { decodeRowCursor, encodeRowCursor } from '../utils/row-cursor.js';
import { RunEventService } from './run-event.service.js';

const RUN = '0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10';
const columns: EventsResult['columns'] = [{ name: 'n', type: 'int' }];
const streamed: EventsResult = { kind: 'events', columns, rows: [], total: 5, dropped: 1, chunks: 2 };
const state = (readableChunks: number, readableRows: number): RunRowsState => ({ readableChunks, readableRows, storedChunks: readableChunks, from: 'a', to: 'b' });

function setup(stored: RunRowsState, texts: RowsText[]) {
  const rowsText = vi.fn<RunEventRepository['rowsText']>(async () => texts.shift()!);
  const sut = new RunEventService(mockOf(RunEventRepository, { state: vi.fn(async () => stored), rowsText }));
  return { sut, rowsText };
}

describe(RunEventService.name, () => {
  describe('page', () => {
    it('splices the stored rows into the summary as they are, with the cursor of the last when more follow', async () => {
      const { sut, rowsText } = setup(state(2, 5), [{ count: 2, more: true, text: '{"n":0},{"n":1}', last: { seq: 0, idx: 1 } }]);
      const page = JSON.parse((await sut.page(RUN, streamed, { limit: 2 })).json);
      expect(page).toEqual({ kind: 'events', columns, total: 5, dropped: 1, complete: true, nextCursor: encodeRowCursor({ seq: 0, idx: 1 }), rows: [{ n: 0 }, { n: 1 }] });
      expect(rowsText).toHaveBeenCalledWith(RUN, state(2, 5), undefined, 2, ',');
    });

    it('ends with a null cursor once a complete result has no more rows', async () => {
      const { sut, rowsText } = setup(state(2, 5), [{ count: 1, more: false, text: '{"n":4}', last: { seq: 1, idx: 2 } }]);
      const page = JSON.parse((await sut.page(RUN, streamed, { cursor: encodeRowCursor({ seq: 1, idx: 1 }) })).json);
      expect(page).toMatchObject({ rows: [{ n: 4 }], complete: true, nextCursor: null });
      expect(rowsText.mock.calls[0]![2]).toEqual({ seq: 1, idx: 1 });
      expect(rowsText.mock.calls[0]![3]).toBe(100_000);
    });

    it('keeps a cursor while chunks are missing, from where the reader was when no row came', async () => {
      const { sut } = setup(state(1, 3), [{ count: 0, more: false, text: '' }]);
      const cursor = encodeRowCursor({ seq: 0, idx: 2 });
      const page = JSON.parse((await sut.page(RUN, streamed, { cursor })).json);
      expect(page).toMatchObject({ rows: [], complete: false, nextCursor: cursor });
    });

    it('pages a run still streaming, before its summary: no columns, the rows stored so far as total', async () => {
      const { sut } = setup(state(3, 30), [{ count: 1, more: false, text: '{"n":0}', last: { seq: 0, idx: 0 } }]);
      const page = JSON.parse((await sut.page(RUN, undefined, {})).json);
      expect(page).toEqual({ kind: 'events', columns: [], total: 30, dropped: 0, complete: false, nextCursor: encodeRowCursor({ seq: 0, idx: 0 }), rows: [{ n: 0 }] });
    });

    it('pages a result that kept its rows in memory, as chunk 0', async () => {
      const { sut } = setup(state(0, 0), []);
      const inline: EventsResult = { kind: 'events', columns, rows: [{ n: 0 }, { n: 1 }, { n: 2 }], total: 3, dropped: 0 };
      const first = JSON.parse((await sut.page(RUN, inline, { limit: 2 })).json);
      expect(first).toMatchObject({ rows: [{ n: 0 }, { n: 1 }], complete: true });
      expect(decodeRowCursor(first.nextCursor)).toEqual({ seq: 0, idx: 1 });
      const second = JSON.parse((await sut.page(RUN, inline, { limit: 2, cursor: first.nextCursor })).json);
      expect(second).toMatchObject({ rows: [{ n: 2 }], nextCursor: null });
    });

    it('refuses a cursor it did not make, naming it', async () => {
      const { sut } = setup(state(0, 0), []);
      await expect(sut.page(RUN, streamed, { cursor: 'nope' })).rejects.toThrow(BadRequestException);
      await expect(sut.page(RUN, streamed, { cursor: 'nope' })).rejects.toThrow(/^cursor: /);
    });
  });

  it('exports NDJSON from batches of stored text, read until none is left', async () => {
    const { sut, rowsText } = setup(state(2, 3), [
      { count: 2, more: true, text: '{"n":0}\n{"n":1}', last: { seq: 0, idx: 1 } },
      { count: 1, more: false, text: '{"n":2}', last: { seq: 1, idx: 0 } },
    ]);
    const file = await sut.export(RUN, streamed, 'ndjson', 'h1-run');
    expect(file).toMatchObject({ contentType: 'application/x-ndjson', fileName: 'h1-run.ndjson' });
    expect((await file.body.toArray()).join('')).toBe('{"n":0}\n{"n":1}\n{"n":2}\n');
    expect(rowsText.mock.calls.map((call) => [call[2], call[4]])).toEqual([
      [undefined, '\n'],
      [{ seq: 0, idx: 1 }, '\n'],
    ]);
  });

  it('exports CSV: the header, then each batch as eventsCsv writes rows', async () => {
    const { sut } = setup(state(1, 2), [{ count: 2, more: false, text: '{"n":7},{"n":-1}', last: { seq: 0, idx: 1 } }]);
    const file = await sut.export(RUN, streamed, 'csv', 'h1-run');
    expect(file).toMatchObject({ contentType: 'text/csv; charset=utf-8; header=present', fileName: 'h1-run.csv' });
    expect((await file.body.toArray()).join('')).toBe('n\r\n7\r\n-1\r\n');
  });
});
