import { beforeAll, expect, it } from 'vitest';
import { compileWorkload, describeKernel } from '../../../../test/support/kernel.js';
import { traceWorkload } from '../../../../test/support/tools.js';
import stackcount from './stackcount.js';

describeKernel('stackcount on the real kernel', () => {
  let binary: string;

  beforeAll(() => {
    // A uprobe fires at a function's first instruction, before its frame exists: the kernel (6.12+) then takes
    // the caller from the return address at the stack pointer, but only when that instruction is `push %rbp`
    // (or endbr64). GCC 12 leaves the frame out of leaf functions at -O1 even with -mno-omit-leaf-frame-pointer
    // (the caller is then missing from the stack, measured); -O0 keeps it everywhere.
    binary = compileWorkload('probe-stacks', 'probe-stacks', ['-O0']);
  });

  it('a leaf reached 300 times from probe_caller_a and 200 from probe_caller_b: two stacks, 300 and 200, callers named', async () => {
    const { result, pid, stats } = await traceWorkload(stackcount, { file: binary, args: ['300', '200'] }, (pid) => ({
      probe: `u:${binary}:probe_leaf`,
      stack: 'user' as const,
      pid,
    }));
    const frame = (symbol: string) => ({ symbol, module: binary, offset: expect.any(Number) });
    expect(result.unit).toBe('events');
    expect(result.total).toBe(500);
    expect(result.stacks.map((s) => ({ ...s, frames: s.frames.slice(0, 3) }))).toEqual([
      { pid, comm: 'probe-stacks', count: 300, frames: [frame('probe_leaf'), frame('probe_caller_a'), frame('main')] },
      { pid, comm: 'probe-stacks', count: 200, frames: [frame('probe_leaf'), frame('probe_caller_b'), frame('main')] },
    ]);
    expect(stats).toMatchObject({ lostEvents: 0, uniqueStacks: 2 });
  });

  it('a tracepoint: 250 getppid calls, one stack from the syscall entry down to the libc function that made them', async () => {
    const calls = compileWorkload('probe-calls');
    const { result } = await traceWorkload(stackcount, { file: calls, args: ['getppid', '250'] }, (pid) => ({
      probe: 't:syscalls:sys_enter_getppid',
      stack: 'both' as const,
      pid,
    }));
    expect(result.total).toBe(250);
    expect(result.stacks).toHaveLength(1);
    const frames = result.stacks[0].frames.map((f) => `${f.module === '[kernel]' ? 'k' : 'u'}:${f.symbol}`);
    // Kernel frames first, from the tracepoint's caller out to the syscall entry, then the user frames from
    // libc's syscall() (which keeps no frame pointer, so its caller, main, is not on the walked stack).
    expect(frames.slice(0, 4)).toEqual(['k:perf_syscall_enter', 'k:syscall_trace_enter', 'k:do_syscall_64', 'k:entry_SYSCALL_64_after_hwframe']);
    expect(frames[4]).toBe('u:syscall');
  });
});
