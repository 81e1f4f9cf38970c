import { describe, expect, it } from 'vitest';
import { formatEvent } from './sse.js';

describe('formatEvent', () => {
  it('writes id, event and data lines, then a blank line', () => {
    expect(formatEvent({ id: '1042-17', event: 'rows', data: '{"seq":0}' })).toBe('id: 1042-17\nevent: rows\ndata: {"seq":0}\n\n');
  });

  it('writes no id line for an event without one', () => {
    expect(formatEvent({ event: 'end', data: '{"status":"succeeded"}' })).toBe('event: end\ndata: {"status":"succeeded"}\n\n');
  });

  it('gives each line of data its own data field, so a line break cannot end the event early', () => {
    expect(formatEvent({ id: '1-2', event: 'status', data: 'a\nb' })).toBe('id: 1-2\nevent: status\ndata: a\ndata: b\n\n');
  });
});
