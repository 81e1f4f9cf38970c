/**
 * Attach types and map kinds on the real kernel, each against a workload that does a known thing a known
 * number of times: uprobe/uretprobe on a compiled C function, USDT in python3.11, perf-event sampling of a
 * busy process, stack-trace maps, kprobes (NotSupportedError where the kernel lacks them), and ownership:
 * nothing of ours (program, link, perf fd) outlives its owner.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bpfFds, compileTestBpf, compileWorkload, describeKernel, linksOf, loadedPrograms, perfEventFds } from '../../../test/support/kernel.js';
import { probeCapabilityReport } from './capabilities.js';
import {
  BPF_MAP_TYPE, BpfObject, NotSupportedError, char, defineStruct, kprobesAvailable, libraryNameMatches, numPossibleCpus,
  onlineCpus, resolveBinaryPath, u64,
} from './index.js';

const PROGS = ['count_calls', 'record_ret', 'py_function_entry', 'sample', 'kprobe_hit'];

// CPython 3.11 fires its DTrace/USDT function probes only while a trace or profile function is set
// (cframe.use_tracing gates them; 3.12 fixed this), so the workload installs a no-op one.
const PY_SCRIPT = `
import sys
def bpfleet_py_target():
    pass
sys.stdin.read(1)
sys.settrace(lambda *args: None)
for _ in range(int(sys.argv[1])):
    bpfleet_py_target()
`;

interface Workload {
  child: ChildProcess;
  pid: number;
  /** Lets the workload start (it waits for one byte on stdin) and resolves with its exit code. */
  go(): Promise<number | null>;
}

function startWorkload(file: string, args: string[]): Workload {
  const child = spawn(file, args, { stdio: ['pipe', 'ignore', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    pid: child.pid!,
    go: () => {
      child.stdin!.end('x');
      return exited;
    },
  };
}

const u32Key = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};

describeKernel('libs/bpf attach types on the real kernel', () => {
  let dir: string;
  let objPath: string;
  let binary: string;
  let script: string;
  let fdsBefore: string[];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bpf-attach-'));
    objPath = compileTestBpf('attach');
    // Frame pointers so the kernel can walk the user stack; symbols stay in .symtab for func_name.
    binary = compileWorkload('uprobe-target', 'bpfleet-workload');
    script = join(dir, 'target.py');
    writeFileSync(script, PY_SCRIPT);
    fdsBefore = bpfFds();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Opens the test object with config, loads only `progs` (the others are not loadable everywhere). */
  function load(progs: string[], rodata: Record<string, string | number> = {}): BpfObject {
    const obj = BpfObject.open(objPath);
    try {
      for (const p of obj.programs()) p.setAutoload(progs.includes(p.name));
      obj.setRodata(rodata);
      obj.load();
      return obj;
    } catch (err) {
      obj.close();
      throw err;
    }
  }

  it('uprobe counts exactly N calls of a named function for that pid; uretprobe sees every return value', async () => {
    const N = 777;
    const w = startWorkload(binary, [String(N)]);
    using obj = load(['count_calls', 'record_ret']);
    using entry = obj.program('count_calls').attachUprobe({ binary, func: 'bpfleet_target', pid: w.pid });
    using ret = obj.program('record_ret').attachUprobe({ binary, func: 'bpfleet_target', retprobe: true });
    expect([entry.info.kind, ret.info.kind]).toEqual(['uprobe', 'uretprobe']);
    expect(await w.go()).toBe(0);

    expect(obj.map('calls').lookup(u32Key(w.pid))?.readBigUInt64LE(0)).toBe(BigInt(N));
    const Stats = defineStruct({ count: u64, sum: u64 });
    const stats = Stats.decode(obj.map('rets').lookup(u32Key(w.pid))!);
    expect(stats.count).toBe(BigInt(N));
    expect(stats.sum).toBe(BigInt((3 * N * (N - 1)) / 2 + N)); // Σ (3i + 1)

    // The LRU hash kept only recent return values, at most its capacity, including the last one.
    const recent = obj.map('recent_rets');
    expect(recent.type).toBe(BPF_MAP_TYPE.LRU_HASH);
    const keys = [...recent.keys()].map((k) => k.readBigInt64LE(0));
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.length).toBeLessThanOrEqual(recent.maxEntries);
    expect(keys).toContain(BigInt(3 * (N - 1) + 1));
  });

  it('uprobe on a shared library by name (libc:getppid), resolved through the pid mappings and ldconfig', async () => {
    const N = 4321;
    const libc = resolveBinaryPath('libc');
    expect(libraryNameMatches('libc', libc)).toBe(true);
    expect(resolveBinaryPath('c')).toBe(libc);
    const w = startWorkload(binary, ['getppid', String(N)]);
    await new Promise((r) => setTimeout(r, 50)); // let the dynamic loader map libc
    const mapped = readFileSync(`/proc/${w.pid}/maps`, 'utf8').match(/\/\S*\/libc[.-]\S*/)![0];
    expect(resolveBinaryPath('libc', w.pid)).toBe(mapped);
    using obj = load(['count_calls']);
    using link = obj.program('count_calls').attachUprobe({ binary: 'libc', func: 'getppid', pid: w.pid });
    expect(link.info.target).toBe(`${mapped}:getppid`);
    expect(await w.go()).toBe(0);
    expect(obj.map('calls').lookup(u32Key(w.pid))?.readBigUInt64LE(0)).toBe(BigInt(N));
  });

  it('USDT python:function__entry reads the function name and counts exactly N calls of it', async () => {
    const N = 123;
    const w = startWorkload('/usr/bin/python3.11', [script, String(N)]);
    using obj = load(['py_function_entry'], { targ_pid: w.pid, targ_func: 'bpfleet_py_target' });
    using link = obj.program('py_function_entry').attachUsdt({
      binary: '/usr/bin/python3.11', provider: 'python', name: 'function__entry', pid: w.pid,
    });
    expect(link.info.kind).toBe('usdt');
    expect(await w.go()).toBe(0);

    const Name = defineStruct({ name: char(32) });
    const byName = new Map([...obj.map('usdt_calls').entries()].map(([k, v]) => [Name.decode(k).name, v.readBigUInt64LE(0)]));
    expect(byName.get('bpfleet_py_target')).toBe(BigInt(N));
    // The per-CPU counter of matches, summed across CPUs, agrees.
    const matches = obj.map('usdt_matches');
    expect(matches.isPerCpu).toBe(true);
    expect(matches.sumPerCpuU64(u32Key(0))).toBe(BigInt(N));
    expect(matches.lookupSummed(u32Key(0))!.readBigUInt64LE(0)).toBe(BigInt(N));
  });

  it('perf sampling at 99 Hz: one link per online CPU, a busy pid gets ~99 samples/s, user stacks resolve', async () => {
    const F = 99;
    const ms = 2000;
    const w = startWorkload(binary, ['spin', String(ms)]);
    using obj = load(['sample'], { targ_pid: w.pid });
    const links = obj.program('sample').attachPerfSampling({ frequency: F });
    try {
      const cpus = onlineCpus();
      expect(links.map((l) => l.info.cpu)).toEqual(cpus);
      expect(perfEventFds()).toEqual(expect.arrayContaining(links.map((l) => l.info.perfFd!)));
      const t0 = performance.now();
      expect(await w.go()).toBe(0);
      const seconds = (performance.now() - t0) / 1000;
      for (const l of links) l.close();

      const pidSamples = obj.map('pid_samples');
      expect(pidSamples.type).toBe(BPF_MAP_TYPE.PERCPU_HASH);
      const n = Number(pidSamples.sumPerCpuU64(u32Key(w.pid)));
      const expected = F * Math.min(seconds, ms / 1000);
      expect(n).toBeGreaterThan(expected * 0.6);
      expect(n).toBeLessThan(expected * 1.4);
      // The per-CPU links together delivered at least the pid's samples. Not every CPU need deliver one: an idle
      // vCPU of these VMs may sample nothing for seconds (seen on a quiet CI run).
      const perCpu = cpus.map((cpu) => Number(obj.map('cpu_samples').lookup(u32Key(cpu))!.readBigUInt64LE(0)));
      expect(perCpu.reduce((sum, c) => sum + c, 0)).toBeGreaterThanOrEqual(n);

      // Stack ids resolve to non-empty address lists, most of them inside the workload's executable.
      const stacks = obj.map('stacks');
      const counts = [...obj.map('stack_counts').entriesBatched()].map(([k, v]) => [k.readInt32LE(0), Number(v.readBigUInt64LE(0))] as const);
      const good = counts.filter(([id]) => id >= 0);
      expect(good.reduce((s, [, c]) => s + c, 0)).toBeGreaterThan(n * 0.8);
      for (const [id] of good) {
        const ips = stacks.stack(id)!;
        expect(ips.length).toBeGreaterThan(0);
        expect(ips.every((ip) => ip !== 0n)).toBe(true);
      }
      expect(stacks.stack(-14)).toBeUndefined();
    } finally {
      for (const l of links) l.close();
    }
  });

  it('kprobe: NotSupportedError("kprobe") on a kernel without kprobes, attaches where it has them', () => {
    using obj = load(['kprobe_hit']);
    const prog = obj.program('kprobe_hit');
    if (!kprobesAvailable()) {
      const err = (() => {
        try {
          prog.attachKprobe('do_nanosleep');
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(NotSupportedError);
      expect((err as NotSupportedError).feature).toBe('kprobe');
      expect(() => prog.attachKprobe('do_nanosleep', { retprobe: true })).toThrow(NotSupportedError);
      return;
    }
    using link = prog.attachKprobe('do_nanosleep');
    execFileSync('sleep', ['0.01']);
    expect(obj.map('kprobe_hits').lookup(u32Key(0))!.readBigUInt64LE(0)).toBeGreaterThan(0n);
    expect(link.info.kind).toBe('kprobe');
  });

  it('batch lookup and the per-key fallback agree', () => {
    using obj = load(['count_calls']);
    const calls = obj.map('calls');
    for (let i = 1; i <= 300; i++) calls.update(u32Key(i), Buffer.from(new BigUint64Array([BigInt(i * 2)]).buffer));
    const batched = [...calls.entriesBatched(64)].map(([k, v]) => [k.readUInt32LE(0), v.readBigUInt64LE(0)] as const);
    const plain = [...calls.entries()].map(([k, v]) => [k.readUInt32LE(0), v.readBigUInt64LE(0)] as const);
    const sort = (a: readonly (readonly [number, bigint])[]) => [...a].sort((x, y) => x[0] - y[0]);
    expect(sort(batched)).toEqual(sort(plain));
    expect(batched).toHaveLength(300);
    expect(calls.batchUnsupported).toBe(false);

    // Per-CPU values come back with one slot per possible CPU through the batch path too.
    const pidSamples = obj.map('pid_samples');
    const perCpu = Buffer.alloc(8 * numPossibleCpus(), 1);
    pidSamples.update(u32Key(9), perCpu);
    const [[, v]] = [...pidSamples.entriesBatched()];
    expect(v.length).toBe(8 * numPossibleCpus());
    expect(pidSamples.sumPerCpuValue(v).readBigUInt64LE(0)).toBe(0x0101010101010101n * BigInt(numPossibleCpus()));
  });

  it('capability probe: this host has everything but kprobes and PMCs', () => {
    const { capabilities, reasons } = probeCapabilityReport();
    expect(capabilities.kprobe).toBe(kprobesAvailable());
    if (!kprobesAvailable()) expect(reasons.kprobe).toMatch(/kprobe/);
    for (const cap of ['btf', 'tracepoint', 'rawTracepoint', 'btfTracepoint', 'uprobe', 'usdt', 'perfSampling', 'ringBuffer'] as const) {
      expect({ cap, ok: capabilities[cap], why: reasons[cap] }).toEqual({ cap, ok: true, why: undefined });
    }
    // On these VMs there is no PMU; elsewhere pmc may be true.
    if (!readFileSync('/proc/cpuinfo', 'utf8').includes('arch_perfmon')) expect(capabilities.pmc).toBe(false);
    // The probe leaves nothing open.
    expect(bpfFds()).toEqual(fdsBefore);
  });

  it('ownership: after each attach type, and after an error mid-attach, no program, link or perf fd is left', async () => {
    const before = new Set<number>(loadedPrograms(PROGS).keys());
    const w = startWorkload(binary, ['5']);
    let progIds: number[] = [];
    let linkIds: number[] = [];
    {
      using obj = load(['count_calls', 'record_ret', 'py_function_entry', 'sample']);
      obj.program('count_calls').attachUprobe({ binary, func: 'bpfleet_target' });
      obj.program('record_ret').attachUprobe({ binary, func: 'bpfleet_target', retprobe: true });
      obj.program('py_function_entry').attachUsdt({ binary: 'python3.11', provider: 'python', name: 'function__entry' });
      const sampling = obj.program('sample').attachPerfSampling({ frequency: 49 });
      sampling[0].close();
      sampling[0].close(); // idempotent
      progIds = [...loadedPrograms(PROGS).keys()].filter((id) => !before.has(id));
      linkIds = linksOf(progIds);
      expect(progIds).toHaveLength(4);
      expect(perfEventFds().length).toBeGreaterThanOrEqual(sampling.length - 1);
      // The object's close (end of scope) closes every link still open, then the programs.
    }
    expect(await w.go()).toBe(0);
    await expectGone(before, progIds);
    expect(linkIds.length).toBeGreaterThan(0);
    expect(perfEventFds()).toEqual([]);

    // A failure mid-way (second CPU's perf event refused: an impossible CPU) releases what was made.
    {
      using obj = load(['sample']);
      expect(() => obj.program('sample').attachPerfSampling({ frequency: 49, cpus: [onlineCpus()[0], 4095] })).toThrow();
      expect(perfEventFds()).toEqual([]);
      progIds = [...loadedPrograms(PROGS).keys()].filter((id) => !before.has(id));
      expect(linksOf(progIds)).toEqual([]);
    }
    // An aborted run: the stack unwinds on the exception.
    expect(() => {
      using obj = load(['count_calls', 'sample']);
      obj.program('count_calls').attachUprobe({ binary, func: 'bpfleet_target' });
      obj.program('sample').attachPerfSampling({ frequency: 49 });
      throw new Error('aborted');
    }).toThrow('aborted');
    await expectGone(before, []);
    expect(perfEventFds()).toEqual([]);
    expect(bpfFds()).toEqual(fdsBefore);
  });
});

/** The kernel frees programs after an RCU grace period: poll briefly. */
async function expectGone(before: Set<number>, ids: number[]): Promise<void> {
  const left = () => [...loadedPrograms(PROGS).keys()].filter((id) => !before.has(id));
  for (let i = 0; i < 50 && (left().length || linksOf(ids).length); i++) await new Promise((r) => setTimeout(r, 50));
  expect(left()).toEqual([]);
  expect(linksOf(ids)).toEqual([]);
}
