import { describe, expect, it } from 'vitest';
import { NotSupportedError } from '../errors.js';
import { KernelSymbols } from './kallsyms.js';

// Shape of real /proc/kallsyms: core image sorted, data symbols interleaved, module symbols appended
// out of order with a tab-separated [module] column.
const FIXTURE = [
  '0000000000000000 A fixed_percpu_data',
  'ffffffff81000000 T _stext',
  'ffffffff81000000 T _text',
  'ffffffff81001000 T do_one_initcall',
  'ffffffff81001800 D some_data',
  'ffffffff81002000 t schedule',
  'ffffffff81002400 W weak_fn',
  'ffffffff82000000 T _etext',
  'ffffffffc0a02000 t ext4_readdir\t[ext4]',
  'ffffffffc0a01000 t ext4_fill_super\t[ext4]',
  'ffffffffc0200000 T xfs_fs_fill_super\t[xfs]',
  'ffffffffc0300000 t bpf_prog_6deef7357e7b4530_sd_fw_ingress\t[bpf]',
  '',
].join('\n');

describe('KernelSymbols', () => {
  const k = KernelSymbols.parse(FIXTURE);

  it('keeps only text symbols, sorted', () => {
    expect(k.size).toBe(10);
    for (let i = 1; i < k.size; i++) expect(k.addressAt(i) >= k.addressAt(i - 1)).toBe(true);
  });

  it('resolves exact and interior addresses with offset', () => {
    expect(k.lookup(0xffffffff81002000n)).toEqual({ symbol: 'schedule', module: '[kernel]', offset: 0 });
    expect(k.lookup(0xffffffff81002008n)).toEqual({ symbol: 'schedule', module: '[kernel]', offset: 8 });
    // The data symbol at ...1800 is skipped: the address stays in do_one_initcall.
    expect(k.lookup(0xffffffff81001900n)).toEqual({ symbol: 'do_one_initcall', module: '[kernel]', offset: 0x900 });
    expect(k.lookup(0xffffffff81002400n)).toEqual({ symbol: 'weak_fn', module: '[kernel]', offset: 0 });
  });

  it('uses the first of several aliases at one address', () => {
    expect(k.lookup(0xffffffff81000010n)).toEqual({ symbol: '_stext', module: '[kernel]', offset: 0x10 });
  });

  it('names the module of module and BPF symbols, despite unsorted input', () => {
    expect(k.lookup(0xffffffffc0a01010n)).toEqual({ symbol: 'ext4_fill_super', module: '[ext4]', offset: 0x10 });
    expect(k.lookup(0xffffffffc0a02004n)).toEqual({ symbol: 'ext4_readdir', module: '[ext4]', offset: 4 });
    expect(k.lookup(0xffffffffc0200001n)).toEqual({ symbol: 'xfs_fs_fill_super', module: '[xfs]', offset: 1 });
    expect(k.lookup(0xffffffffc0300040n).module).toBe('[bpf]');
  });

  it('crosses the 32-bit boundary of the offset', () => {
    const t = KernelSymbols.parse('ffffffff7ffffff0 T low_fn\nffffff0000000000 T far_fn\n');
    expect(t.lookup(0xffffffff80000010n)).toEqual({ symbol: 'low_fn', module: '[kernel]', offset: 0x20 });
    expect(t.lookup(0xffffff0100000004n)).toEqual({ symbol: 'far_fn', module: '[kernel]', offset: 0x1_0000_0004 });
  });

  it('reports addresses below the first symbol as [unknown] in [kernel]', () => {
    expect(k.lookup(0xffffffff80000000n)).toEqual({ symbol: '[unknown]', module: '[kernel]' });
    expect(k.lookup(0n)).toEqual({ symbol: '[unknown]', module: '[kernel]' });
  });

  it('refuses a table whose addresses are hidden by kptr_restrict', () => {
    const hidden = '0000000000000000 T _stext\n0000000000000000 t schedule\n';
    expect(() => KernelSymbols.parse(hidden)).toThrow(NotSupportedError);
  });

  it('tolerates malformed lines and no trailing newline', () => {
    const t = KernelSymbols.parse('garbage\nffffffff81000000 T a\n\nzz T b\nffffffff81000100 T c');
    expect(t.size).toBe(2);
    expect(t.lookup(0xffffffff81000101n)).toEqual({ symbol: 'c', module: '[kernel]', offset: 1 });
  });
});
