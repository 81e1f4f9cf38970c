import { describe, expect, it } from 'vitest';
import { validateParams } from '../validate-params.js';
import { runqlat } from './runqlat.schema.js';

describe('runqlat params', () => {
  it('fills the defaults in', () => {
    const params: Record<string, unknown> = {};
    expect(validateParams(runqlat, params)).toEqual([]);
    expect(params).toEqual({ unit: 'us', perPid: false, perCpu: false });
  });

  it('accepts filters and one breakdown', () => {
    expect(validateParams(runqlat, { pid: 42, comm: 'nginx', unit: 'ms', perPid: true })).toEqual([]);
    expect(validateParams(runqlat, { cgroup: '/sys/fs/cgroup/system.slice', perCpu: true })).toEqual([]);
  });

  it('refuses both breakdowns, unknown units and unknown parameters', () => {
    expect(validateParams(runqlat, { perPid: true, perCpu: true })).not.toEqual([]);
    expect(validateParams(runqlat, { unit: 'ns' })[0]?.field).toBe('params.unit');
    expect(validateParams(runqlat, { interval: 1 })).toEqual([{ field: 'params.interval', message: 'is not a known parameter' }]);
  });
});
