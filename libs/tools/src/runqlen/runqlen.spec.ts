import { describe, expect, it } from 'vitest';
import { validateParams } from '../validate-params.js';
import { runqlenConfig } from './runqlen.js';
import { runqlen } from './runqlen.schema.js';

describe('runqlen params', () => {
  it('fills the defaults in: 99 Hz, no breakdown, the CFS queue', () => {
    const params: Record<string, unknown> = {};
    expect(validateParams(runqlen, params)).toEqual([]);
    expect(params).toEqual({ frequencyHz: 99, perCpu: false, queue: 'cfs' });
    expect(runqlenConfig({ frequencyHz: 99, perCpu: false, queue: 'cfs' })).toEqual({ whole_cpu: false });
    expect(runqlenConfig({ frequencyHz: 99, perCpu: true, queue: 'cpu' })).toEqual({ whole_cpu: true });
  });

  it('refuses frequencies outside 1..1000 Hz, unknown queues and task filters', () => {
    expect(validateParams(runqlen, { frequencyHz: 1000 })).toEqual([]);
    expect(validateParams(runqlen, { frequencyHz: 0 })[0]?.field).toBe('params.frequencyHz');
    expect(validateParams(runqlen, { frequencyHz: 1001 })[0]?.field).toBe('params.frequencyHz');
    expect(validateParams(runqlen, { queue: 'rt' })[0]?.field).toBe('params.queue');
    // The queue is the CPU's, whoever is on it: there is no task to filter on.
    expect(validateParams(runqlen, { pid: 1 })).toEqual([{ field: 'params.pid', message: 'is not a known parameter' }]);
  });
});
