import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileWorkload } from '../../../../test/support/kernel.js';
import { KernelSymbols } from './kallsyms.js';
import { Symbolizer } from './symbolizer.js';

// Ground truth: test/fixtures/workloads/symbolize-target.c prints the runtime addresses of a function of
// its own and of libc's getppid, then waits to be symbolized.

const uid0 = process.getuid?.() === 0;
const hasTools = (() => {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    execFileSync('llvm-symbolizer', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasTools) console.warn('skipping symbolization suite: cc or llvm-symbolizer missing');

interface Target {
  child: ChildProcess;
  pid: number;
  fn: bigint;
  getppid: bigint;
}

const children: ChildProcess[] = [];

async function run(cmd: string, args: string[] = []): Promise<Target> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${cmd} exited (${code}) before printing its addresses`)));
  });
  const [fn, getppid] = line.trim().split(' ').map((h) => BigInt(h));
  // Under `unshare` the printing process is a child of the spawned one: find it by its maps.
  const pid = cmd === 'unshare' ? pidOfChild(child.pid!) : child.pid!;
  return { child, pid, fn, getppid };
}

function pidOfChild(ppid: number): number {
  const kids = readFileSync(`/proc/${ppid}/task/${ppid}/children`, 'utf8').trim().split(/\s+/).map(Number);
  if (kids.length !== 1 || !kids[0]) throw new Error(`expected one child of ${ppid}, found ${kids}`);
  return kids[0];
}

async function kill(t: Target): Promise<void> {
  if (t.child.exitCode !== null || t.child.signalCode !== null) return;
  const exited = new Promise((resolve) => t.child.once('exit', resolve));
  t.child.kill('SIGKILL');
  await exited;
}

function libcPath(pid: number): string {
  const line = readFileSync(`/proc/${pid}/maps`, 'utf8')
    .split('\n')
    .find((l) => / r-xp .*\/libc\.so\.6$/.test(l));
  return line!.slice(line!.indexOf('/'));
}

describe.skipIf(!hasTools)('Symbolizer (real processes, real llvm-symbolizer)', () => {
  let dir: string;
  let pie: string;
  let nopie: string;
  let stripped: string;
  const sym = new Symbolizer({ onWarning: (m) => console.warn(m) });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bpfleet-sym-'));
    pie = compileWorkload('symbolize-target', 'target-pie', ['-fPIE', '-pie', '-ldl']);
    nopie = compileWorkload('symbolize-target', 'target-nopie', ['-fno-pie', '-no-pie', '-ldl']);
    stripped = compileWorkload('symbolize-target', 'target-stripped', ['-fPIE', '-pie', '-s', '-ldl']);
  });

  afterAll(async () => {
    sym.close();
    sym.close(); // idempotent
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  for (const kind of ['pie', 'nopie'] as const) {
    it(`resolves a function of a ${kind} executable and of libc in a live process`, async () => {
      const t = await run(kind === 'pie' ? pie : nopie);
      try {
        const frames = await sym.symbolizeUser(t.pid, [t.fn + 4n, t.getppid + 2n, t.fn]);
        expect(frames[0]).toEqual({ symbol: 'bpfleet_spin_target', module: kind === 'pie' ? pie : nopie, offset: 4 });
        expect(frames[1]).toEqual({ symbol: 'getppid', module: libcPath(t.pid), offset: 2 });
        expect(frames[2]).toEqual({ symbol: 'bpfleet_spin_target', module: kind === 'pie' ? pie : nopie, offset: 0 });
      } finally {
        await kill(t);
        sym.endPass();
      }
    });
  }

  it('gives module + ELF address when the binary has no symbol for the address', async () => {
    const t = await run(stripped);
    try {
      const [f] = await sym.symbolizeUser(t.pid, [t.fn + 4n]);
      const text = readFileSync(`/proc/${t.pid}/maps`, 'utf8').split('\n').find((l) => l.includes(' r-xp ') && l.endsWith(stripped))!;
      const [start] = text.split('-').map((h) => parseInt(h, 16));
      const fileOffset = parseInt(text.split(' ')[2], 16);
      // PIE from gcc: text p_vaddr == p_offset, so the ELF address is the file offset.
      expect(f).toEqual({ symbol: '[unknown]', module: stripped, offset: Number(t.fn) + 4 - start + fileOffset });
    } finally {
      await kill(t);
      sym.endPass();
    }
  });

  it('resolves a process that exited, from a snapshot taken while it lived', async () => {
    const t = await run(pie);
    expect(await sym.snapshotMaps(t.pid)).toBe(true);
    await kill(t);
    const frames = await sym.symbolizeUser(t.pid, [t.fn + 4n, t.getppid + 2n]);
    expect(frames[0]).toEqual({ symbol: 'bpfleet_spin_target', module: pie, offset: 4 });
    expect(frames[1].symbol).toBe('getppid');
    sym.endPass();
  });

  it('gives [unknown] module + address for an exited process without snapshot, never a bare hex', async () => {
    const t = await run(pie);
    await kill(t);
    const fresh = new Symbolizer();
    try {
      const frames = await fresh.symbolizeUser(t.pid, [t.fn + 4n]);
      expect(frames).toEqual([{ symbol: '[unknown]', module: '[unknown]', offset: Number(t.fn + 4n) }]);
    } finally {
      fresh[Symbol.dispose]();
    }
  });

  it('resolves a binary that was deleted after it started (through map_files)', async () => {
    const copy = join(dir, 'target-deleted');
    copyFileSync(pie, copy);
    const t = await run(copy);
    unlinkSync(copy);
    try {
      const [f] = await sym.symbolizeUser(t.pid, [t.fn + 4n]);
      expect(f).toEqual({ symbol: 'bpfleet_spin_target', module: copy, offset: 4 });
    } finally {
      await kill(t);
      sym.endPass();
    }
  });

  it.skipIf(!uid0)('resolves a binary that exists only in the process mount namespace (/proc/PID/root)', async () => {
    const nsDir = join(dir, 'ns-only');
    execFileSync('mkdir', ['-p', nsDir]);
    // A private tmpfs over nsDir in a new mount namespace: the binary is invisible from ours.
    const t = await run('unshare', [
      '--mount',
      '--propagation',
      'private',
      '--fork',
      '--kill-child',
      'sh',
      '-c',
      `mount -t tmpfs none ${nsDir} && cp ${pie} ${nsDir}/inner && exec ${nsDir}/inner`,
    ]);
    try {
      const [f] = await sym.symbolizeUser(t.pid, [t.fn + 4n]);
      expect(f).toEqual({ symbol: 'bpfleet_spin_target', module: `${nsDir}/inner`, offset: 4 });
    } finally {
      await kill(t);
      sym.endPass();
    }
  });

  it('answers concurrent calls in order, each with its own frames', async () => {
    const t = await run(pie);
    try {
      const offsets = [1n, 2n, 3n, 5n, 6n, 7n];
      const all = await Promise.all(offsets.map((o) => sym.symbolizeUser(t.pid, [t.fn + o, t.getppid + o])));
      all.forEach((frames, i) => {
        expect(frames[0]).toEqual({ symbol: 'bpfleet_spin_target', module: pie, offset: Number(offsets[i]) });
        expect(frames[1]).toMatchObject({ symbol: 'getppid', offset: Number(offsets[i]) });
      });
    } finally {
      await kill(t);
      sym.endPass();
    }
  });

  it('degrades to module + ELF address when llvm-symbolizer cannot be run', async () => {
    const t = await run(nopie);
    const warnings: string[] = [];
    const broken = new Symbolizer({ llvmSymbolizer: { path: '/nonexistent/llvm-symbolizer' }, onWarning: (m) => warnings.push(m) });
    try {
      const [f] = await broken.symbolizeUser(t.pid, [t.fn + 4n]);
      // Non-PIE: the ELF address is the link-time address, which is the runtime address.
      expect(f).toEqual({ symbol: '[unknown]', module: nopie, offset: Number(t.fn) + 4 });
      expect(warnings.join('\n')).toMatch(/ENOENT/);
    } finally {
      broken.close();
      await kill(t);
    }
  });

  it('survives llvm-symbolizer being killed and restarts it', async () => {
    const t = await run(nopie);
    try {
      expect((await sym.symbolizeUser(t.pid, [t.fn + 1n]))[0].symbol).toBe('bpfleet_spin_target');
      const pids = execFileSync('pgrep', ['-P', String(process.pid), '-x', 'llvm-symbolizer'], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map(Number);
      for (const p of pids) process.kill(p, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 50));
      const [f] = await sym.symbolizeUser(t.pid, [t.fn + 3n]); // not cached: needs the (restarted) process
      expect(f).toEqual({ symbol: 'bpfleet_spin_target', module: nopie, offset: 3 });
    } finally {
      await kill(t);
      sym.endPass();
    }
  });
});

describe.skipIf(!uid0)('KernelSymbols (real /proc/kallsyms)', () => {
  it('resolves schedule+8 and a module-less, below-first address', () => {
    const t0 = performance.now();
    const k = KernelSymbols.load();
    console.log(`kallsyms: ${k.size} text symbols parsed in ${(performance.now() - t0).toFixed(1)} ms`);
    const line = readFileSync('/proc/kallsyms', 'latin1')
      .split('\n')
      .find((l) => / [tT] schedule$/.test(l))!;
    const addr = BigInt(`0x${line.split(' ')[0]}`);
    const sym = new Symbolizer({ kernelSymbols: k });
    expect(sym.symbolizeKernel([addr + 8n, addr])).toEqual([
      { symbol: 'schedule', module: '[kernel]', offset: 8 },
      { symbol: 'schedule', module: '[kernel]', offset: 0 },
    ]);
    expect(sym.symbolizeKernel([1n])).toEqual([{ symbol: '[unknown]', module: '[kernel]' }]);
    sym.close();
  });

  it('names the module of a module symbol', () => {
    const line = readFileSync('/proc/kallsyms', 'latin1')
      .split('\n')
      .find((l) => /^[0-9a-f]+ [tT] \S+\t\[\w+\]$/.test(l));
    if (!line) return; // a kernel with no modules loaded
    const [addr, , rest] = line.split(' ');
    const [name, mod] = rest.split('\t');
    const [f] = new Symbolizer().symbolizeKernel([BigInt(`0x${addr}`) + 1n]);
    expect(f.module).toBe(mod);
    // Another alias may share the address; the frame is the first alias, which need not be this one.
    expect(typeof f.symbol).toBe('string');
    if (f.symbol === name) expect(f.offset).toBe(1);
  });
});
