import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import type { EventsResult } from '../../../../libs/contracts/src/index.js';
import { eventsCsvPart } from '../../../../libs/results/src/export/csv.js';
import { fileTypeOf } from '../../../../libs/results/src/export/index.js';
import { DEFAULT_MAX_EVENTS } from '../../../../libs/tools/src/event-budget.js';
import { RunEventRepository, type RowPosition, type RowsText, type RunRowsState } from '../repositories/run-event.repository.js';
import { invalidField } from '../utils/errors.js';
import { decodeRowCursor, encodeRowCursor, FIRST_ROW } from '../utils/row-cursor.js';

/**
 * Rows per page when `limit` is not given, and the most one page may have: a run of the default event budget is
 * one page, as a result was one JSON before its rows were streamed, so clients that read `rows` keep working; a
 * run with a bigger budget (up to BPFLEET_MAX_EVENTS) is paged.
 */
export const DEFAULT_ROW_LIMIT = DEFAULT_MAX_EVENTS;
export const MAX_ROW_LIMIT = DEFAULT_MAX_EVENTS;
/** Rows read from Postgres per query while an export streams: a few MB in memory, whatever the run's size. */
const EXPORT_BATCH_ROWS = 5000;
/** How long the end of a run waits for chunks being stored at that moment, and how often it looks. */
const CHUNK_WAIT_MS = 1000;
const CHUNK_POLL_MS = 25;

/** GET /v1/runs/:id/result paging: the page size and where it starts. */
export interface RowPaging {
  limit?: number;
  cursor?: string;
}

/**
 * One page of an events result: the result's fields (its summary), `rows` the page's, plus where the next page
 * starts. `total` is the run's rows (only those stored so far while `complete` is false).
 */
export interface EventsPage extends Omit<EventsResult, 'chunks'> {
  /** False while rows may still come (the run goes on, or some of its chunks are still on their way). */
  complete: boolean;
  /** Pass it as `cursor` for the next page; null once every row of a complete result was given. */
  nextCursor: string | null;
}

/** A JSON answer already serialized (a page's rows are the stored JSON texts, spliced in as they are). */
export interface JsonText {
  json: string;
}

/** A streamed export: what the response is labelled with, and its body. */
export interface StreamedFile {
  contentType: string;
  fileName: string;
  body: Readable;
}

/** The rows of a batch joined by commas: one JSON.parse of them all. */
const parseRows = (batch: RowsText) => JSON.parse(`[${batch.text}]`) as Record<string, unknown>[];

/**
 * Events results whose rows were streamed (`chunks` set): read a page at a time from run_events, or exported
 * as a stream, never as one value in memory. A result from an agent that kept its rows inline is paged in
 * memory the same way, so clients have one shape to read.
 */
@Injectable()
export class RunEventService {
  constructor(private readonly repository: RunEventRepository) {}

  /**
   * A page of the run's rows, as the JSON text of an {@link EventsPage}. `result` is the stored summary, or
   * undefined while the run still sends rows (`columns` is then empty: they come with the run's end). Rows are
   * given in (chunk, index) order and only from chunks with no missing one before them, so a cursor never skips a
   * chunk that arrives late.
   */
  async page(runId: string, result: EventsResult | undefined, paging: RowPaging): Promise<JsonText> {
    const limit = paging.limit ?? DEFAULT_ROW_LIMIT;
    const after = paging.cursor === undefined ? undefined : decodeCursor(paging.cursor);
    if (result && result.chunks === undefined) return { json: JSON.stringify(pageInline(result, after, limit)) };
    const state = await this.repository.state(runId);
    const rows = await this.repository.rowsText(runId, state, after, limit, ',');
    const complete = result !== undefined && state.readableChunks >= result.chunks!;
    const last: RowPosition = rows.last ?? after ?? FIRST_ROW;
    const { chunks: _chunks, rows: _rows, ...summary } = result ?? { kind: 'events' as const, columns: [], total: state.readableRows, dropped: 0 };
    const head = JSON.stringify({ ...summary, complete, nextCursor: rows.more || !complete ? encodeRowCursor(last) : null });
    return { json: `${head.slice(0, -1)},"rows":[${rows.text}]}` };
  }

  /** Whether the run's rows were streamed and some are stored: a run in progress then has rows to page through. */
  async hasRows(runId: string): Promise<boolean> {
    return (await this.repository.state(runId)).storedChunks > 0;
  }

  /**
   * The whole result as a CSV or NDJSON stream, read `EXPORT_BATCH_ROWS` at a time (the connection is given
   * back between batches, so a slow client holds none). The chunks stored when the export starts are what it
   * contains.
   */
  async export(runId: string, result: EventsResult, format: 'csv' | 'ndjson', name: string): Promise<StreamedFile> {
    const state = await this.repository.state(runId);
    const pieces = format === 'csv' ? this.csvPieces(runId, result, state) : this.ndjsonPieces(runId, state);
    return { ...fileTypeOf(format, { name }), body: Readable.from(pieces, { objectMode: false, highWaterMark: 1 }) };
  }

  /** The result with every row in `rows` (for comparisons, which work on whole results): bounded by the run's maxEvents. */
  async withRows(runId: string, result: EventsResult): Promise<EventsResult> {
    if (result.chunks === undefined) return result;
    const rows: Record<string, unknown>[] = [];
    for await (const batch of this.batches(runId, await this.repository.state(runId), ',')) rows.push(...parseRows(batch));
    const { chunks: _, ...summary } = result;
    return { ...summary, rows };
  }

  /**
   * Whether all `chunks` of the run are stored, looking again for up to a second: its last chunks may be being
   * stored by another worker at this moment (they are queued just before the run's end).
   */
  async hasAllChunks(runId: string, chunks: number): Promise<boolean> {
    const deadline = Date.now() + CHUNK_WAIT_MS;
    for (;;) {
      if ((await this.repository.state(runId)).readableChunks >= chunks) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, CHUNK_POLL_MS));
    }
  }

  private async *csvPieces(runId: string, result: EventsResult, state: RunRowsState): AsyncGenerator<string> {
    yield eventsCsvPart(result.columns, [], true);
    for await (const batch of this.batches(runId, state, ',')) yield eventsCsvPart(result.columns, parseRows(batch), false);
  }

  private async *ndjsonPieces(runId: string, state: RunRowsState): AsyncGenerator<string> {
    // The stored text is the agent's JSON of the row: written as it is, never parsed.
    for await (const batch of this.batches(runId, state, '\n')) yield `${batch.text}\n`;
  }

  /** The rows stored as of `state`, EXPORT_BATCH_ROWS at a time, joined by `separator`. */
  private async *batches(runId: string, state: RunRowsState, separator: string): AsyncGenerator<RowsText> {
    let after: RowPosition | undefined;
    for (;;) {
      const batch = await this.repository.rowsText(runId, state, after, EXPORT_BATCH_ROWS, separator);
      if (batch.count > 0) yield batch;
      if (!batch.more) return;
      after = batch.last;
    }
  }
}

/** A page of a result that kept its rows: they are chunk 0. */
function pageInline(result: EventsResult, after: RowPosition | undefined, limit: number): EventsPage {
  const from = after === undefined ? 0 : after.seq > 0 ? result.rows.length : after.idx + 1;
  const rows = result.rows.slice(from, from + limit);
  const more = from + rows.length < result.rows.length;
  return { ...result, rows, complete: true, nextCursor: more ? encodeRowCursor({ seq: 0, idx: from + rows.length - 1 }) : null };
}

function decodeCursor(cursor: string): RowPosition {
  const position = decodeRowCursor(cursor);
  if (!position) throw invalidField('cursor', 'is not a cursor this endpoint returned (pass nextCursor as it is)');
  return position;
}
