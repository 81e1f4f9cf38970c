import { describe, expect, it } from 'vitest';
import { validateParams } from '../validate-params.js';
import { profileConfig } from './profile.js';
import { profile, type ProfileParams } from './profile.schema.js';

describe('profile params', () => {
  it('fills the defaults in: 49 Hz, both halves', () => {
    const params: Record<string, unknown> = {};
    expect(validateParams(profile, params)).toEqual([]);
    expect(params).toEqual({ frequencyHz: 49, stack: 'both' });
  });

  it('refuses frequencies outside 1..1000 Hz, fractional ones, and unknown halves', () => {
    for (const frequencyHz of [0, 1001, 99.5]) expect(validateParams(profile, { frequencyHz })[0]?.field).toBe('params.frequencyHz');
    expect(validateParams(profile, { stack: 'mixed' })[0]?.field).toBe('params.stack');
  });

  it('maps the stack halves and filters onto the kernel config', () => {
    const config = (p: Partial<ProfileParams>) => profileConfig({ frequencyHz: 49, stack: 'both', ...p });
    expect(config({})).toMatchObject({ user_stacks: true, kernel_stacks: true, targ_pid: undefined });
    expect(config({ stack: 'user', pid: 42 })).toMatchObject({ user_stacks: true, kernel_stacks: false, targ_pid: 42 });
    expect(config({ stack: 'kernel', comm: 'nginx' })).toMatchObject({ user_stacks: false, kernel_stacks: true, filter_comm: true, targ_comm: 'nginx' });
  });
});
