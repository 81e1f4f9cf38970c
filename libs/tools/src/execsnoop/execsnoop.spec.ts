import { describe, expect, it } from 'vitest';
import { validateParams } from '../validate-params.js';
import { execsnoop } from './execsnoop.schema.js';

describe('execsnoop params', () => {
  it('fills the defaults in', () => {
    const params: Record<string, unknown> = {};
    expect(validateParams(execsnoop, params)).toEqual([]);
    expect(params).toEqual({ failedOnly: false, maxArgs: 20, maxEvents: 100_000, maxEventsPerSec: 5000 });
  });

  it("refuses a nameContains longer than the kernel's 31 bytes, counted in UTF-8", () => {
    expect(validateParams(execsnoop, { nameContains: 'x'.repeat(31) })).toEqual([]);
    // 16 characters, 32 bytes: within the schema's maxLength, not within the kernel's buffer.
    expect(validateParams(execsnoop, { nameContains: 'é'.repeat(16) })).toEqual([
      { field: 'params.nameContains', message: 'must not be longer than 31 bytes in UTF-8' },
    ]);
  });
});
