import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { ROOT, compileWorkload, describeKernel, linksOf, loadedPrograms } from '../../../../test/support/kernel.js';
import { runTool, traceWorkload } from '../../../../test/support/tools.js';
import { execTimes, uniqueBinary } from '../../../../test/support/workload.js';
import trace from './trace.js';
import type { TraceParams } from './trace.schema.js';

const PROGRAMS = ['trace_uprobe', 'trace_tracepoint', 'trace_usdt', 'trace_kprobe'];
const PYTHON = '/usr/bin/python3.11';
const PY_SCRIPT = join(ROOT, 'test/fixtures/workloads/trace-usdt.py');
/** trace-calls.c VALUES, in call order; trace_f returns 3a + 1. */
const VALUES = [-5, 0, 7, -1, 42, 1000000007, -123456789012];

/** The params of a run traced on the workload's pid. */
const tracing =
  (probes: TraceParams['probes'], extra: Partial<TraceParams> = {}) =>
  (pid: number): Partial<TraceParams> => ({ probes, pid, ...extra });

describeKernel('trace on the real kernel', () => {
  let binary: string;

  beforeAll(() => {
    binary = compileWorkload('trace-calls');
  });

  it('u:WORKLOAD:trace_f with args [{ index: 0, type: s64 }]: one row per call, exactly the values passed, in order', async () => {
    const { result, pid } = await traceWorkload(trace, { file: binary, args: ['values'] }, tracing([{ probe: `u:${binary}:trace_f`, args: [{ index: 0, type: 's64' }] }]));
    expect(result.rows.map((r) => r.args)).toEqual(VALUES.map((v) => [v]));
    expect(result.rows.every((r) => r.pid === pid && r.tid === pid && r.comm === 'trace-calls' && r.probe === `u:${binary}:trace_f` && r.retval === null)).toBe(true);
    expect(result.dropped).toBe(0);
  });

  it('r:WORKLOAD:trace_f with retval s64: exactly the return values; as ptr, the same bits in hex', async () => {
    const { result } = await traceWorkload(trace, { file: binary, args: ['values'] }, tracing([
        { probe: `r:${binary}:trace_f`, retval: 's64' },
        { probe: `r:${binary}:trace_f`, retval: 'ptr' },
      ]));
    expect(result.rows).toHaveLength(2 * VALUES.length);
    // Both entries name the same probe: each keeps its own index (cookie) and shape.
    const signed = result.rows.filter((r) => typeof r.retval === 'number').map((r) => r.retval);
    const hex = result.rows.filter((r) => typeof r.retval === 'string').map((r) => r.retval);
    expect(signed).toEqual(VALUES.map((v) => 3 * v + 1));
    expect(hex).toEqual(VALUES.map((v) => `0x${BigInt.asUintN(64, BigInt(3 * v + 1)).toString(16)}`));
  });

  it('filters in the kernel: arg 0 < 0 keeps exactly the negative calls; retval >= 22 exactly the returns from 22 up', async () => {
    const { result } = await traceWorkload(trace, { file: binary, args: ['values'] }, tracing([
        { probe: `u:${binary}:trace_f`, args: [{ index: 0, type: 's64' }], filter: { arg: 0, op: '<', value: 0 } },
        { probe: `r:${binary}:trace_f`, retval: 's64', filter: { arg: 'retval', op: '>=', value: 22 } },
      ]));
    const entries = result.rows.filter((r) => r.probe === `u:${binary}:trace_f`).map((r) => r.args);
    const returns = result.rows.filter((r) => r.probe === `r:${binary}:trace_f`).map((r) => r.retval);
    expect(entries).toEqual([[-5], [-1], [-123456789012]]);
    expect(returns).toEqual([22, 127, 3000000022]);
  });

  it('an unsigned filter compares unsigned: arg 0 as u64 > 100 also keeps the negatives (huge as u64)', async () => {
    const { result } = await traceWorkload(trace, { file: binary, args: ['values'] }, tracing([{ probe: `u:${binary}:trace_f`, args: [{ index: 0, type: 'u64' }], filter: { arg: 0, op: '>', value: 100 } }]));
    // Beyond 2^53 a number is shown as its decimal string.
    const asU64 = (v: number) => (v >= 0 ? v : BigInt.asUintN(64, BigInt(v)).toString());
    expect(result.rows.map((r) => r.args)).toEqual([-5, -1, 1000000007, -123456789012].map((v) => [asU64(v)]));
  });

  it('strings: u:trace_s with str shows the text; a string filter (== / !=) keeps exactly the matching calls', async () => {
    const { result } = await traceWorkload(trace, { file: binary, args: ['strings'] }, tracing([
        { probe: `u:${binary}:trace_s`, args: [{ index: 0, type: 'str' }] },
        { probe: `u:${binary}:trace_s`, args: [{ index: 0, type: 'ptr' }], filter: { arg: 0, op: '==', value: 'beta' } },
        { probe: `u:${binary}:trace_s`, filter: { arg: 0, op: '!=', value: 'beta' } },
      ]));
    const rowsOf = (text: string) => result.rows.filter((r) => (r.args as unknown[])[0] === text);
    expect(rowsOf('alpha')).toHaveLength(3);
    expect(rowsOf('beta')).toHaveLength(2);
    const pointers = result.rows.filter((r) => typeof (r.args as unknown[])[0] === 'string' && /^0x[0-9a-f]+$/.test((r.args as string[])[0]!));
    expect(pointers).toHaveLength(2);
    expect(new Set(pointers.map((r) => (r.args as string[])[0])).size).toBe(1); // the one literal "beta"
    expect(result.rows.filter((r) => (r.args as unknown[]).length === 0)).toHaveLength(3);
    expect(result.rows).toHaveLength(10);
  });

  it('USDT python:function__entry with args [{ index: 1, type: str }]: N rows naming the function called N times', async () => {
    const N = 37;
    const { result } = await traceWorkload(trace, { file: PYTHON, args: [PY_SCRIPT, String(N)] }, tracing([{ probe: `usdt:${PYTHON}:python:function__entry`, args: [{ index: 1, type: 'str' }, { index: 0, type: 'str' }, { index: 2, type: 's64' }] }]));
    const target = result.rows.filter((r) => (r.args as unknown[])[0] === 'bpfleet_trace_target');
    expect(target).toHaveLength(N);
    // Slot 0 is the file, slot 2 the line of the def.
    expect(target.every((r) => (r.args as unknown[])[1] === PY_SCRIPT && (r.args as unknown[])[2] === 7)).toBe(true);
    expect(result.rows.filter((r) => (r.args as unknown[])[0] === 'bpfleet_trace_other')).toHaveLength(5);
  });

  it('USDT with a string filter in the kernel: exactly the N calls of that function', async () => {
    const N = 23;
    const { result } = await traceWorkload(trace, { file: PYTHON, args: [PY_SCRIPT, String(N)] }, tracing([{ probe: `usdt:${PYTHON}:python:function__entry`, args: [{ index: 1, type: 'str' }], filter: { arg: 1, op: '==', value: 'bpfleet_trace_target' } }]));
    expect(result.rows.map((r) => r.args)).toEqual(Array.from({ length: N }, () => ['bpfleet_trace_target']));
  });

  it('t:syscalls:sys_enter_close with field fd, sys_exit_close with field ret: exactly the fds closed and -EBADF each', async () => {
    const N = 25;
    const { result } = await traceWorkload(trace, { file: binary, args: ['close', String(N)] }, tracing([
        { probe: 't:syscalls:sys_enter_close', args: [{ field: 'fd' }], filter: { field: 'fd', op: '>=', value: 10000 } },
        { probe: 't:syscalls:sys_exit_close', args: [{ field: 'ret' }], filter: { field: 'ret', op: '<', value: 0 } },
      ]));
    const enters = result.rows.filter((r) => r.probe === 't:syscalls:sys_enter_close').map((r) => r.args);
    const exits = result.rows.filter((r) => r.probe === 't:syscalls:sys_exit_close').map((r) => r.args);
    expect(enters).toEqual(Array.from({ length: N }, (_, i) => [10000 + i]));
    expect(exits).toEqual(Array.from({ length: N }, () => [-9]));
  });

  it('t:syscalls:sys_enter_openat with field filename as str (a user pointer): exactly the paths opened', async () => {
    const N = 12;
    const { result } = await traceWorkload(trace, { file: binary, args: ['open', String(N)] }, tracing([{ probe: 't:syscalls:sys_enter_openat', args: [{ field: 'filename', type: 'str' }, { field: 'flags' }] }]));
    const ours = result.rows.filter((r) => String((r.args as unknown[])[0]).startsWith('/nonexistent-bpfleet-trace/'));
    expect(ours.map((r) => r.args)).toEqual(Array.from({ length: N }, (_, i) => [`/nonexistent-bpfleet-trace/${i}`, 0]));
  });

  it('t:sched:sched_process_exec filename (a __data_loc string), sched_process_exit comm (a char array) filtered ==: N execs of a unique binary', async () => {
    const N = 6;
    const bin = uniqueBinary('trcexec');
    try {
      const ac = new AbortController();
      const { result } = await runTool(
        trace,
        {
          probes: [
            { probe: 't:sched:sched_process_exec', args: [{ field: 'filename' }] },
            { probe: 't:sched:sched_process_exit', args: [{ field: 'comm' }, { field: 'pid' }], filter: { field: 'comm', op: '==', value: bin.name } },
          ],
          comm: bin.name,
        },
        { durationMs: 10_000, signal: ac.signal, onAttached: () => void execTimes(bin.path, N, []).then(() => ac.abort()) },
      );
      const execs = result.rows.filter((r) => r.probe === 't:sched:sched_process_exec');
      const exits = result.rows.filter((r) => r.probe === 't:sched:sched_process_exit');
      expect(execs.map((r) => r.args)).toEqual(Array.from({ length: N }, () => [bin.path]));
      expect(exits.map((r) => (r.args as unknown[])[0])).toEqual(Array.from({ length: N }, () => bin.name));
      // The exit's own pid field is the row's pid, each exec a new process.
      expect(exits.map((r) => (r.args as unknown[])[1])).toEqual(exits.map((r) => r.pid));
      expect(new Set(execs.map((r) => r.pid))).toEqual(new Set(exits.map((r) => r.pid)));
    } finally {
      bin.remove();
    }
  });

  it('maxEventsPerSec: 3 gives 3 rows, counts the rest of the 7 calls in dropped, and stops the run', async () => {
    const { result, stats } = await traceWorkload(trace, { file: binary, args: ['values'] }, tracing([{ probe: `u:${binary}:trace_f`, args: [{ index: 0, type: 's64' }] }], { maxEventsPerSec: 3 }));
    expect(result.rows.map((r) => r.args)).toEqual(VALUES.slice(0, 3).map((v) => [v]));
    // The 7 calls come back to back, microseconds apart: all are over before the run sees the drops.
    expect(result.dropped).toBe(4);
    expect(stats.lostEvents).toBe(4);
    expect(stats.stopReason).toBe('maxEventsPerSec');
  });

  /** A run that must fail before anything is attached, leaving no program or link of ours in the kernel. */
  async function expectCleanFailure(probes: unknown[], reason: string | RegExp) {
    const before = new Set(loadedPrograms(PROGRAMS).keys());
    let attached = false;
    await expect(runTool(trace, { probes } as never, { durationMs: 200, onAttached: () => (attached = true) })).rejects.toThrow(reason);
    expect(attached).toBe(false);
    const ours = [...loadedPrograms(PROGRAMS).keys()].filter((id) => !before.has(id));
    expect(ours).toEqual([]);
    expect(linksOf(ours)).toEqual([]);
  }

  it('a field the event lacks, or cannot be read as asked, a missing symbol: a readable failure, nothing left', async () => {
    await expectCleanFailure([{ probe: 't:sched:sched_switch', args: [{ field: 'prev_pidx' }] }], /no field prev_pidx in sched:sched_switch \(its fields: prev_comm, prev_pid, /);
    await expectCleanFailure([{ probe: 't:sched:sched_switch', args: [{ field: 'prev_pid', type: 'str' }] }], 'field prev_pid of sched:sched_switch cannot be read as str');
    await expectCleanFailure([{ probe: 't:sched:sched_switch', filter: { field: 'prev_comm', op: '==', value: 5 } }], 'field prev_comm of sched:sched_switch is a string: filter it with a string');
    await expectCleanFailure([{ probe: `u:${binary}:trace_nothing`, args: [{ index: 0, type: 's64' }] }], `no symbol trace_nothing in ${binary}`);
  });
});
