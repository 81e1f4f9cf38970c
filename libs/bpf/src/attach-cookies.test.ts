/**
 * The attachments the generic tools (funccount, stackcount, …) are built on: one program attached to many
 * tracepoints or functions, each with its own BPF cookie (attachTracepoint; attachUprobe at a file offset
 * read from the ELF symbol table, without libbpf's per-attach symbol lookup), and the ELF readers.
 */
import { beforeAll, expect, it } from 'vitest';
import { compileTestBpf, compileWorkload, describeKernel } from '../../../test/support/kernel.js';
import { startGated } from '../../../test/support/workload.js';
import { NotElfError, readElfFunctions, readUsdtProbes } from './elf-symbols.js';
import { BpfObject } from './index.js';

describeKernel('libs/bpf: cookies on tracepoints and offset uprobes, ELF symbols', () => {
  let objPath: string;
  let binary: string;

  beforeAll(() => {
    objPath = compileTestBpf('probe-cookies');
    binary = compileWorkload('probe-calls');
  });

  function load(pid: number): BpfObject {
    const obj = BpfObject.open(objPath);
    obj.setRodata({ targ_pid: pid });
    obj.load();
    return obj;
  }

  const hitsOf = (obj: BpfObject) =>
    Object.fromEntries([...obj.map('hits').entries()].map(([k, v]) => [String(k.readBigUInt64LE(0)), Number(v.readBigUInt64LE(0))]));

  it('one tracepoint program on two tracepoints: each call counted under its own cookie', async () => {
    const w = startGated(binary, ['getppid', '321']);
    try {
      using obj = load(w.pid);
      const prog = obj.program('tp_cookie');
      using getppid = prog.attachTracepoint('syscalls', 'sys_enter_getppid', { cookie: 7n });
      using getpid = prog.attachTracepoint('syscalls', 'sys_enter_getpid', { cookie: 9n });
      expect([getppid.info, getpid.info]).toMatchObject([
        { kind: 'tracepoint', target: 'syscalls:sys_enter_getppid' },
        { kind: 'tracepoint', target: 'syscalls:sys_enter_getpid' },
      ]);
      w.go();
      expect(await w.exited).toBe(0);
      expect(hitsOf(obj)).toEqual({ 7: 321 });
    } finally {
      w.kill();
    }
  });

  it('uprobes at the file offsets of the ELF symbol table, with cookies: exact calls per function', async () => {
    const functions = new Map(readElfFunctions(binary).map((f) => [f.name, f]));
    expect(functions.get('acc_f1')).toMatchObject({ ifunc: false, offset: expect.any(Number) });
    const w = startGated(binary, ['acc', '300', '200']);
    try {
      using obj = load(w.pid);
      const prog = obj.program('uprobe_cookie');
      const links = ['acc_f1', 'acc_f2', 'acc_g'].map((name, i) =>
        prog.attachUprobe({ binary, offset: functions.get(name)!.offset, cookie: BigInt(i), pid: w.pid }),
      );
      expect(links[0].info.target).toBe(`${binary}:0x${functions.get('acc_f1')!.offset.toString(16)}`);
      w.go();
      expect(await w.exited).toBe(0);
      expect(hitsOf(obj)).toEqual({ 0: 300, 1: 200, 2: 7 });
    } finally {
      w.kill();
    }
  });

  it('reads .dynsym of a stripped library, USDT notes, and refuses a non-ELF file', () => {
    expect(readUsdtProbes('/usr/bin/python3.11')).toContainEqual({ provider: 'python', name: 'function__entry' });
    expect(readUsdtProbes(binary)).toEqual([]);
    expect(() => readElfFunctions('/etc/passwd')).toThrow(new NotElfError('/etc/passwd'));
    expect(() => readElfFunctions('/etc')).toThrow('not an ELF file: /etc');
  });
});
