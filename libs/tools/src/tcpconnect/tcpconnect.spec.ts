import { describe, expect, it } from 'vitest';
import { validateParams } from '../validate-params.js';
import { tcpconnect } from './tcpconnect.schema.js';

describe('tcpconnect params', () => {
  it('fills the defaults in: one row per connect', () => {
    const params: Record<string, unknown> = {};
    expect(validateParams(tcpconnect, params)).toEqual([]);
    expect(params).toEqual({ countOnly: false, maxEvents: 100_000, maxEventsPerSec: 5000 });
    expect(tcpconnect.resultKindOf({ countOnly: false, maxEvents: 100_000, maxEventsPerSec: 5000 })).toBe(tcpconnect.resultKind);
  });

  it('returns counts instead of events with countOnly', () => {
    expect(tcpconnect.resultKind).toBe('events');
    expect(tcpconnect.resultKindOf({ countOnly: true, maxEvents: 100_000, maxEventsPerSec: 5000 })).toBe('counts');
  });

  it('takes up to 16 distinct destination ports, as the kernel side holds', () => {
    const ports = Array.from({ length: 16 }, (_, i) => 8000 + i);
    expect(validateParams(tcpconnect, { dport: ports })).toEqual([]);
    expect(validateParams(tcpconnect, { dport: [...ports, 9000] })).toEqual([{ field: 'params.dport', message: 'must NOT have more than 16 items' }]);
    expect(validateParams(tcpconnect, { dport: [0] })).toEqual([{ field: 'params.dport.0', message: 'must be >= 1' }]);
    expect(validateParams(tcpconnect, { dport: [] })).toEqual([{ field: 'params.dport', message: 'must NOT have fewer than 1 items' }]);
  });
});
