import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';

describe('cursor', () => {
  const id = '0b5b7c4e-2f0a-4e43-9d0c-6c1f3a4b5c6d';

  it('round-trips a job id', () => {
    expect(decodeCursor(encodeCursor(id))).toBe(id);
  });

  it.each(['', 'not a cursor', Buffer.from('j:nope').toString('base64url'), Buffer.from(id).toString('base64url')])(
    'rejects %j',
    (cursor) => {
      expect(decodeCursor(cursor)).toBeUndefined();
    },
  );
});
