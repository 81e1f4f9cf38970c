import type { RowPosition } from '../repositories/run-event.repository.js';

/** Before the first row: where reading a run's rows starts (a row's `idx` is 0 or more). */
export const FIRST_ROW: RowPosition = { seq: 0, idx: -1 };

/**
 * The opaque cursor of GET /v1/runs/:id/result for events: the last row a page gave (its chunk and index), so
 * the next page starts right after it however many rows were stored meanwhile.
 */
export function encodeRowCursor(position: RowPosition): string {
  return Buffer.from(`e:${position.seq}:${position.idx}`).toString('base64url');
}

/** The position, or undefined when the cursor was not made by {@link encodeRowCursor}. */
export function decodeRowCursor(cursor: string): RowPosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return undefined;
  const match = /^e:(\d{1,9}):(-1|\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) return undefined;
  return { seq: Number(match[1]), idx: Number(match[2]) };
}
