import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BpfError, BpfObject, bpfObjectPath, char, defineStruct, minimizedBtf, numPossibleCpus, u32, u64 } from './index.js';
import { compileTestBpf, describeKernel } from '../../../test/support/kernel.js';

describeKernel('libs/bpf on the real kernel', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bpf-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('open of a missing file throws BpfError with ENOENT and libbpf log', () => {
    const err = (() => {
      try {
        BpfObject.open(join(dir, 'missing.bpf.o'));
      } catch (e) {
        return e;
      }
    })() as BpfError;
    expect(err).toBeInstanceOf(BpfError);
    expect(err.operation).toBe('bpf_object__open_file');
    expect(err.errno).toBe(2);
    expect(err.message).toMatch(/ENOENT/);
    expect(err.log).toMatch(/failed to open/);
  });

  it('a verifier rejection is a BpfError carrying the verifier log', () => {
    const obj = BpfObject.open(compileTestBpf('rejected'));
    try {
      let err: unknown;
      try {
        obj.load();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BpfError);
      const bpfErr = err as BpfError;
      expect(bpfErr.operation).toBe('bpf_object__load');
      expect(bpfErr.errno).toBe(13); // EACCES: the verifier refused it
      expect(bpfErr.message).toMatch(/rejected_prog/);
      expect(bpfErr.message).toMatch(/invalid mem access 'scalar'/);
    } finally {
      obj.close();
      obj.close(); // idempotent
    }
  });

  it('keeps the tail of a verifier log longer than the format buffer', () => {
    using obj = BpfObject.open(compileTestBpf('rejected-long'));
    const err = (() => {
      try {
        obj.load();
      } catch (e) {
        return e as BpfError;
      }
    })();
    expect(err).toBeInstanceOf(BpfError);
    expect(err!.log.length).toBeGreaterThan(16 * 1024);
    expect(err!.log).toMatch(/invalid mem access 'scalar'/);
    expect(err!.log).toMatch(/processed \d+ insns/);
  });

  it('sets rodata from BTF, rejects unknown names and misuse', () => {
    using obj = BpfObject.open(bpfObjectPath('syscount'));
    const vars = new Map(obj.rodataVars().map((v) => [v.name, v]));
    expect(vars.get('targ_pid')?.shape).toEqual({ kind: 'int', size: 4, signed: false, bool: false });
    expect(vars.get('targ_comm')?.shape).toEqual({ kind: 'array', size: 16, elemSize: 1 });
    expect(() => obj.setRodata({ no_such_var: 1 })).toThrow(/no_such_var/);
    expect(() => obj.setRodata({ targ_comm: 'x'.repeat(16) })).toThrow(RangeError);
    expect(() => obj.setRodata({ targ_pid: -1 })).toThrow(RangeError);
    expect(() => obj.setRodata({ targ_pid: 'x' })).toThrow(TypeError);
    obj.setRodata({ targ_pid: 42, targ_comm: 'abc', filter_comm: true });
    obj.load();
    expect(() => obj.setRodata({ targ_pid: 1 })).toThrow(/before load/);
    // The loaded .rodata map holds what was set.
    const rodata = obj.map('.rodata');
    const value = rodata.lookup(Buffer.alloc(4))!;
    expect(value.readUInt32LE(vars.get('targ_pid')!.offset)).toBe(42);
    expect(value.toString('utf8', vars.get('targ_comm')!.offset, vars.get('targ_comm')!.offset + 3)).toBe('abc');
  });

  it('minimized BTF: made once per kernel and object, cached, loads; without bpftool the normal path', () => {
    const env = { ...process.env, BPFLEET_BTF_CACHE_DIR: join(dir, 'btf') };
    const obj = join(dir, 'runqlat-copy.bpf.o');
    copyFileSync(bpfObjectPath('runqlat'), obj);
    const btf = minimizedBtf(obj, env);
    expect(btf).toMatch(new RegExp(`^${join(dir, 'btf')}/[0-9a-f]{32}\\.btf$`));
    expect(statSync(btf!).size).toBeLessThan(64 * 1024); // vmlinux BTF is megabytes
    expect(minimizedBtf(obj, env)).toBe(btf);
    using o = BpfObject.open(obj, { minimizedBtf: true });
    o.load();
    for (const link of o.attachAll()) link.close();

    const other = join(dir, 'syscount-copy.bpf.o');
    copyFileSync(bpfObjectPath('syscount'), other);
    expect(minimizedBtf(other, { ...env, BPFTOOL: join(dir, 'no-such-bpftool') })).toBeUndefined();
  });

  it('map lookup / update / delete / iterate, and per-CPU values', () => {
    using obj = BpfObject.open(bpfObjectPath('syscount'));
    obj.load();
    const Key = defineStruct({ nr: u32, pid: u32, comm: char(16) });
    const Val = defineStruct({ count: u64, total: u64 });
    const counts = obj.map('counts');
    expect([counts.keySize, counts.valueSize]).toEqual([Key.size, Val.size]);
    for (let nr = 0; nr < 5; nr++) counts.update(Key.encode({ nr, comm: `c${nr}` }), Val.encode({ count: BigInt(nr * 10), total: 1n }));
    expect(Val.decode(counts.lookup(Key.encode({ nr: 3, comm: 'c3' }))!).count).toBe(30n);
    expect(counts.lookup(Key.encode({ nr: 99 }))).toBeUndefined();
    expect(counts.delete(Key.encode({ nr: 4, comm: 'c4' }))).toBe(true);
    expect(counts.delete(Key.encode({ nr: 4, comm: 'c4' }))).toBe(false);
    const all = [...counts.entries()].map(([k, v]) => [Key.decode(k).nr, Val.decode(v).count] as const).sort();
    expect(all).toEqual([[0, 0n], [1, 10n], [2, 20n], [3, 30n]]);

    const dropped = obj.map('dropped');
    expect(dropped.isPerCpu).toBe(true);
    const perCpu = Buffer.alloc(8 * numPossibleCpus());
    for (let i = 0; i < numPossibleCpus(); i++) perCpu.writeBigUInt64LE(BigInt(i + 1), i * 8);
    dropped.update(Buffer.alloc(4), perCpu);
    const n = BigInt(numPossibleCpus());
    expect(dropped.sumPerCpuU64(Buffer.alloc(4))).toBe((n * (n + 1n)) / 2n);
  });
});
