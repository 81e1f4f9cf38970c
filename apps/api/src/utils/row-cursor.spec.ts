import { describe, expect, it } from 'vitest';
import { decodeRowCursor, encodeRowCursor, FIRST_ROW } from './row-cursor.js';

describe('row cursors', () => {
  it.each([FIRST_ROW, { seq: 0, idx: 0 }, { seq: 41, idx: 999 }, { seq: 123_456_789, idx: 5 }])('decodes what it encodes: %j', (position) => {
    expect(decodeRowCursor(encodeRowCursor(position))).toEqual(position);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'e:1:2'],
    ['a job cursor', Buffer.from('j:0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10').toString('base64url')],
    ['a negative chunk', Buffer.from('e:-1:0').toString('base64url')],
    ['an index below -1', Buffer.from('e:0:-2').toString('base64url')],
    ['trailing text', Buffer.from('e:1:2:3').toString('base64url')],
    ['too long a number', Buffer.from('e:1234567890:0').toString('base64url')],
  ])('refuses %s', (_, cursor) => {
    expect(decodeRowCursor(cursor)).toBeUndefined();
  });
});
