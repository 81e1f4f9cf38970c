import { beforeAll, expect, it } from 'vitest';
import { NotSupportedError, kprobesAvailable } from '../../../bpf/src/index.js';
import { compileWorkload, describeKernel, linksOf, loadedPrograms } from '../../../../test/support/kernel.js';
import { runTool, traceWorkload } from '../../../../test/support/tools.js';
import funccount from './funccount.js';

const PROGRAMS = ['funccount_uprobe', 'funccount_tracepoint', 'funccount_usdt', 'funccount_kprobe'];

describeKernel('funccount on the real kernel', () => {
  let binary: string;

  beforeAll(() => {
    binary = compileWorkload('probe-calls');
  });

  it('u:WORKLOAD:acc_f* over acc_f1 × 300 and acc_f2 × 200: exactly those two rows, acc_g not matched', async () => {
    const { result } = await traceWorkload(funccount, { file: binary, args: ['acc', '300', '200'] }, (pid) => ({ probes: [`u:${binary}:acc_f*`], pid }));
    expect(result).toEqual({
      kind: 'counts',
      keys: ['probe'],
      rows: [
        { probe: `u:${binary}:acc_f1`, count: 300 },
        { probe: `u:${binary}:acc_f2`, count: 200 },
      ],
      total: 500,
    });
  });

  it('t:syscalls:sys_enter_getppid from a process making 1234 getppid calls (pid filter): 1234', async () => {
    const { result } = await traceWorkload(funccount, { file: binary, args: ['getppid', '1234'] }, (pid) => ({ probes: ['t:syscalls:sys_enter_getppid'], pid }));
    expect(result.rows).toEqual([{ probe: 't:syscalls:sys_enter_getppid', count: 1234 }]);
  });

  it('u:libc:getpid × 777 beside a tracepoint that never fires: exactly 777, and no row for the silent probe', async () => {
    const { result } = await traceWorkload(funccount, { file: binary, args: ['getpid', '777'] }, (pid) => ({
      probes: ['u:libc:getpid', 't:syscalls:sys_enter_getppid'],
      pid,
    }));
    // The pid's own libc when the loader has mapped it, else the ld.so cache's: one file either way.
    expect(result.rows).toEqual([{ probe: expect.stringMatching(/^u:\/\S*\/libc\.so\.6:getpid$/), count: 777 }]);
  });

  /** A run that must fail before anything is loaded, leaving no program or link of ours in the kernel. */
  async function expectCleanFailure(probes: string[], reason: string | RegExp) {
    const before = new Set(loadedPrograms(PROGRAMS).keys());
    let attached = false;
    await expect(runTool(funccount, { probes }, { durationMs: 200, onAttached: () => (attached = true) })).rejects.toThrow(reason);
    expect(attached).toBe(false);
    const ours = [...loadedPrograms(PROGRAMS).keys()].filter((id) => !before.has(id));
    expect(ours).toEqual([]);
    expect(linksOf(ours)).toEqual([]);
  }

  it('a probe on a non-ELF file, a missing symbol or tracepoint, or too many probes: a readable failure, nothing left', async () => {
    await expectCleanFailure(['u:/etc/passwd:x'], 'not an ELF file: /etc/passwd');
    await expectCleanFailure(['u:/etc:x'], 'not an ELF file: /etc');
    await expectCleanFailure([`u:${binary}:acc_f1`, `u:${binary}:acc_foo`], `no symbol acc_foo in ${binary}`);
    await expectCleanFailure([`r:${binary}:nothing_*`], `no function matching nothing_* in ${binary}`);
    await expectCleanFailure(['u:/no/such/binary:f'], '/no/such/binary: no such file');
    await expectCleanFailure(['u:libnosuchlib:f'], 'no library or executable named "libnosuchlib"');
    await expectCleanFailure(['t:syscalls:sys_enter_nosuchcall'], 'no tracepoint syscalls:sys_enter_nosuchcall on this host');
    await expectCleanFailure(['usdt:/usr/bin/python3.11:python:nosuchprobe'], 'no USDT probe python:nosuchprobe in /usr/bin/python3.11');
    // libc defines some 2,100 distinct functions: past the cap of 1000, refused naming the spec and the count.
    await expectCleanFailure(['u:libc:*'], /^u:libc:\* brings the run to \d{4} probes, more than the 1000 a run may attach: narrow the pattern$/);
  });

  it.skipIf(kprobesAvailable())('k: on a host without kprobes: NotSupportedError("kprobe"), nothing left', async () => {
    await expectCleanFailure(['k:do_nanosleep'], 'k:do_nanosleep: this kernel has no kprobes');
    await expect(runTool(funccount, { probes: ['kr:do_nanosleep'] })).rejects.toBeInstanceOf(NotSupportedError);
  });
});
