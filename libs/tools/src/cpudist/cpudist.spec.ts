import { describe, expect, it } from 'vitest';
import { validateParams } from '../validate-params.js';
import { cpudistConfig } from './cpudist.js';
import { cpudist } from './cpudist.schema.js';

describe('cpudist params', () => {
  it('fills the defaults in: on-CPU, µs, no breakdown', () => {
    const params: Record<string, unknown> = {};
    expect(validateParams(cpudist, params)).toEqual([]);
    expect(params).toEqual({ offCpu: false, unit: 'us', perPid: false });
  });

  it('configures the kernel side: unit divisor, mode, breakdown, filters on the task measured', () => {
    expect(cpudistConfig({ pid: 42, comm: 'nginx', offCpu: true, unit: 'ms', perPid: true })).toMatchObject({
      targ_pid: 42,
      filter_comm: true,
      targ_comm: 'nginx',
      unit_ns: 1_000_000,
      off_cpu: true,
      per_pid: true,
    });
  });

  it('refuses unknown units and parameters it does not filter on', () => {
    expect(validateParams(cpudist, { unit: 'ns' })[0]?.field).toBe('params.unit');
    expect(validateParams(cpudist, { uid: 0 })).toEqual([{ field: 'params.uid', message: 'is not a known parameter' }]);
  });
});
