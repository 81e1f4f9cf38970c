import { describe, expect, it } from 'vitest';
import { validateParams } from '../validate-params.js';
import { offcputimeConfig } from './offcputime.js';
import { offcputime, type OffcputimeParams } from './offcputime.schema.js';

describe('offcputime params', () => {
  it('fills the defaults in: from 1 µs, no upper bound, any state, both halves', () => {
    const params: Record<string, unknown> = {};
    expect(validateParams(offcputime, params)).toEqual([]);
    expect(params).toEqual({ minBlockUs: 1, stack: 'both' });
  });

  it('refuses bounds below 1 µs and states outside the TASK_* bits', () => {
    expect(validateParams(offcputime, { minBlockUs: 0 })[0]?.field).toBe('params.minBlockUs');
    expect(validateParams(offcputime, { maxBlockUs: 0 })[0]?.field).toBe('params.maxBlockUs');
    expect(validateParams(offcputime, { state: -1 })[0]?.field).toBe('params.state');
    expect(validateParams(offcputime, { state: 65536 })[0]?.field).toBe('params.state');
  });

  it('refuses a max below the min, naming maxBlockUs (before any job is queued)', () => {
    expect(validateParams(offcputime, { minBlockUs: 5000, maxBlockUs: 1000 })).toEqual([
      { field: 'params.maxBlockUs', message: 'must not be below minBlockUs (5000)' },
    ]);
    expect(validateParams(offcputime, { minBlockUs: 5000, maxBlockUs: 5000 })).toEqual([]);
  });

  it('maps bounds, state and halves onto the kernel config', () => {
    const config = (p: Partial<OffcputimeParams>) => offcputimeConfig({ minBlockUs: 1, stack: 'both', ...p });
    expect(config({})).toMatchObject({ min_block_us: 1, max_block_us: undefined, filter_state: false, user_stacks: true, kernel_stacks: true });
    // state 0 is a filter too (threads preempted while runnable), not "no filter".
    expect(config({ state: 0 })).toMatchObject({ filter_state: true, targ_state: 0 });
    expect(config({ minBlockUs: 1000, maxBlockUs: 5000, stack: 'kernel', tid: 7 })).toMatchObject({
      min_block_us: 1000,
      max_block_us: 5000,
      user_stacks: false,
      targ_tid: 7,
    });
  });
});
