import { describe, expect, it } from 'vitest';
import { libraryNameMatches } from './binary-path.js';
import { PERF_ATTR_FLAG, PerfEventAttr, parseCpuList } from './perf.js';

describe('perf_event_attr layout', () => {
  it('is PERF_ATTR_SIZE_VER8 (136 bytes) with the kernel offsets', () => {
    expect(PerfEventAttr.size).toBe(136);
    expect(PerfEventAttr.offsets.config).toBe(8);
    expect(PerfEventAttr.offsets.sample_period_or_freq).toBe(16);
    expect(PerfEventAttr.offsets.flags).toBe(40);
    expect(PerfEventAttr.offsets.wakeup_events).toBe(48);
    expect(PerfEventAttr.offsets.sample_max_stack).toBe(108);
    expect(PerfEventAttr.offsets.config3).toBe(128);
    expect(PERF_ATTR_FLAG.freq).toBe(1024n);
  });
});

describe('parseCpuList', () => {
  it('expands ranges and singles', () => {
    expect(parseCpuList('0-1\n')).toEqual([0, 1]);
    expect(parseCpuList('0,2-4,7')).toEqual([0, 2, 3, 4, 7]);
    expect(parseCpuList('')).toEqual([]);
  });
});

describe('libraryNameMatches', () => {
  it('accepts the names users write for a library', () => {
    for (const name of ['libc', 'c', 'libc.so.6']) expect(libraryNameMatches(name, '/usr/lib/x86_64-linux-gnu/libc.so.6')).toBe(true);
    expect(libraryNameMatches('libc', '/lib/libc-2.31.so')).toBe(true);
    expect(libraryNameMatches('pthread', 'libpthread.so.0')).toBe(true);
  });
  it('does not confuse prefixes', () => {
    expect(libraryNameMatches('libc', '/usr/lib/libcrypto.so.3')).toBe(false);
    expect(libraryNameMatches('c', 'libcap.so.2')).toBe(false);
    expect(libraryNameMatches('ssl', 'libssl3.so')).toBe(false);
  });
});
