import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { CountsResult, HistogramResult } from '../../../contracts/src/index.js';
import { ROOT, compileWorkload, describeKernel } from '../../../../test/support/kernel.js';
import { traceWorkload } from '../../../../test/support/tools.js';
import argdist from './argdist.js';
import type { ArgdistParams } from './argdist.schema.js';

const PYTHON = '/usr/bin/python3.11';
const PY_SCRIPT = join(ROOT, 'test/fixtures/workloads/trace-usdt.py');
/** The log-linear histogram's bound on any value read back from a bucket (docs/histograms.md). */
const LOGLINEAR_ERROR = 0.0625;

/** The params of a run on the workload's pid. */
const on =
  (params: Partial<ArgdistParams>) =>
  (pid: number): Partial<ArgdistParams> => ({ ...params, pid });

const expectWithin = (actual: number, truth: number) => expect(Math.abs(actual - truth)).toBeLessThanOrEqual(truth * LOGLINEAR_ERROR);

describeKernel('argdist on the real kernel', () => {
  let binary: string;

  beforeAll(() => {
    binary = compileWorkload('trace-calls');
  });

  it('counts of u:trace_v arg 0 (s64) over 10 × 3, 20 × 5, -3 × 2: exactly those counts per value', async () => {
    const { result } = await traceWorkload(argdist, { file: binary, args: ['counts'] }, on({ probe: `u:${binary}:trace_v`, value: { arg: 0, type: 's64' }, mode: 'counts' }));
    expect(result).toEqual<CountsResult>({
      kind: 'counts',
      keys: ['value'],
      rows: [
        { value: 20, count: 5 },
        { value: 10, count: 3 },
        { value: -3, count: 2 },
      ],
      total: 10,
    });
  });

  it('counts of a string argument (u:trace_s arg 0 as str): alpha 3, beta 2; with a filter != alpha, beta only', async () => {
    const { result } = await traceWorkload(argdist, { file: binary, args: ['strings'] }, on({ probe: `u:${binary}:trace_s`, value: { arg: 0, type: 'str' }, mode: 'counts' }));
    expect((result as CountsResult).rows).toEqual([
      { value: 'alpha', count: 3 },
      { value: 'beta', count: 2 },
    ]);
    const filtered = await traceWorkload(
      argdist,
      { file: binary, args: ['strings'] },
      on({ probe: `u:${binary}:trace_s`, value: { arg: 0, type: 'str' }, mode: 'counts', filter: { arg: 0, op: '!=', value: 'alpha' } }),
    );
    expect((filtered.result as CountsResult).rows).toEqual([{ value: 'beta', count: 2 }]);
  });

  it('histogram of u:trace_n arg 0 over 1..1000: count, sum, min, max exact; p50/p90/p99 within 6.25 %', async () => {
    const { result } = await traceWorkload(argdist, { file: binary, args: ['sizes', '1000'] }, on({ probe: `u:${binary}:trace_n`, value: { arg: 0, type: 'u64' }, mode: 'histogram' }));
    const h = result as HistogramResult;
    expect(h).toMatchObject({ kind: 'histogram', unit: 'value', count: 1000, sum: 500500, min: 1, max: 1000 });
    expectWithin(h.p50, 500);
    expectWithin(h.p90, 900);
    expectWithin(h.p99, 990);
    expect(h.note).toBeUndefined();
  });

  it('a histogram filtered in the kernel (arg 0 <= 100): exactly the 100 matching calls', async () => {
    const { result } = await traceWorkload(
      argdist,
      { file: binary, args: ['sizes', '1000'] },
      on({ probe: `u:${binary}:trace_n`, value: { arg: 0, type: 'u64' }, mode: 'histogram', filter: { arg: 0, op: '<=', value: 100 } }),
    );
    expect(result).toMatchObject({ count: 100, sum: 5050, min: 1, max: 100 });
  });

  it('histogram of r:trace_f retval (s64): the non-negative returns exact, the 3 negative ones counted apart in note', async () => {
    const { result } = await traceWorkload(argdist, { file: binary, args: ['values'] }, on({ probe: `r:${binary}:trace_f`, value: { arg: 'retval', type: 's64' }, mode: 'histogram' }));
    // Returns 3a + 1 of -5, 0, 7, -1, 42, 1000000007, -123456789012.
    expect(result).toMatchObject({ count: 4, sum: 1 + 22 + 127 + 3000000022, min: 1, max: 3000000022 });
    expect(result.note).toBe('3 negative values left out: a log-linear histogram holds values ≥ 0 (count them with mode counts)');
  });

  it('counts of a tracepoint field (t:syscalls:sys_exit_close ret, signed): exactly N × -EBADF', async () => {
    const N = 40;
    const { result } = await traceWorkload(argdist, { file: binary, args: ['close', String(N)] }, on({ probe: 't:syscalls:sys_exit_close', value: { field: 'ret' }, mode: 'counts' }));
    expect((result as CountsResult).rows).toEqual([{ value: -9, count: N }]);
  });

  it('counts of USDT python:function__entry slot 1 (str): the function called N times counted N', async () => {
    const N = 29;
    const { result } = await traceWorkload(argdist, { file: PYTHON, args: [PY_SCRIPT, String(N)] }, on({ probe: `usdt:${PYTHON}:python:function__entry`, value: { arg: 1, type: 'str' }, mode: 'counts' }));
    const rows = (result as CountsResult).rows;
    expect(rows.find((r) => r.value === 'bpfleet_trace_target')?.count).toBe(N);
    expect(rows.find((r) => r.value === 'bpfleet_trace_other')?.count).toBe(5);
  });
});
