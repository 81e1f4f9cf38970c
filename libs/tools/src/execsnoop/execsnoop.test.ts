import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeKernel, linksOf, loadedPrograms } from '../../../../test/support/kernel.js';
import { runTool } from '../../../../test/support/tools.js';
import type { ToolRunOutput } from '../definition.js';
import execsnoop from './execsnoop.js';
import type { ExecsnoopParams } from './execsnoop.schema.js';

const PROGS = ['execsnoop_enter_execve', 'execsnoop_exit_execve', 'execsnoop_enter_execveat', 'execsnoop_exit_execveat'];

/** Spawns `file` with `args`; resolves when it has exited (or failed to exec). */
function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: 'ignore' });
    child.on('error', () => resolve());
    child.on('exit', () => resolve());
  });
}

/** Runs execsnoop; once attached runs `workload`, then ends the run early by aborting. */
async function trace(params: Partial<ExecsnoopParams>, workload: () => Promise<void>): Promise<ToolRunOutput & { attachedCalls: number }> {
  const ac = new AbortController();
  let attachedCalls = 0;
  let done!: Promise<void>;
  const out = await runTool(execsnoop, params, {
    durationMs: 30_000,
    signal: ac.signal,
    onAttached: () => {
      attachedCalls++;
      done = workload().finally(() => setTimeout(() => ac.abort(), 100));
    },
  });
  await done;
  return { ...out, attachedCalls };
}

describeKernel('execsnoop on the real kernel', () => {
  let dir: string;
  let binary: string;
  const token = `bpfx${process.pid}${Date.now() % 100000}`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'execsnoop-'));
    binary = join(dir, token);
    copyFileSync('/bin/true', binary);
    chmodSync(binary, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports exactly the 23 execs of a uniquely named binary, with argv, ppid and ret', async () => {
    const N = 23;
    const out = await trace({ maxArgs: 20 }, async () => {
      for (let i = 0; i < N; i++) await run(binary, [`arg${i}`, 'two words']);
    });
    expect(out.attachedCalls).toBe(1);
    const result = out.result;
    if (result.kind !== 'events') throw new Error('expected events');
    const mine = result.rows.filter((r) => r.filename === binary);
    expect(mine).toHaveLength(N);
    mine.forEach((r, i) => {
      expect(r.args).toEqual([binary, `arg${i}`, 'two words']);
      expect(r.ppid).toBe(process.pid);
      expect(r.ret).toBe(0);
      expect(r.uid).toBe(process.getuid!());
      expect(r.comm).toBe(basename(binary).slice(0, 15));
      expect(Date.parse(r.ts as string)).toBeGreaterThan(Date.now() - 60_000);
    });
    expect(result.dropped).toBe(0);
    expect(out.stats.lostEvents).toBe(0);
  });

  it('failedOnly + nameContains reports only the failed execs (ret -2)', async () => {
    const N = 7;
    const missing = join(dir, `${token}-missing`);
    const out = await trace({ failedOnly: true, nameContains: token }, async () => {
      for (let i = 0; i < N; i++) await run(missing, ['x']);
      for (let i = 0; i < 3; i++) await run(binary, ['ok']); // succeeds: must not be reported
    });
    if (out.result.kind !== 'events') throw new Error('expected events');
    expect(out.result.rows).toHaveLength(N);
    for (const r of out.result.rows) {
      expect(r.filename).toBe(missing);
      expect(r.ret).toBe(-2);
      expect(r.ppid).toBe(process.pid);
    }
  });

  it('maxArgs truncates argv and marks it', async () => {
    const out = await trace({ maxArgs: 2, nameContains: token }, () => run(binary, ['a', 'b', 'c', 'd']));
    if (out.result.kind !== 'events') throw new Error('expected events');
    expect(out.result.rows.map((r) => r.args)).toEqual([[binary, 'a', '...']]);
  });

  it('releases every program and link after a run and after an aborted run', async () => {
    const before = new Set<number>(loadedPrograms(PROGS).keys());
    let during: number[] = [];
    let linksDuring: number[] = [];
    // A completed run.
    await runTool(execsnoop, {}, {
      durationMs: 50,
      signal: new AbortController().signal,
      onAttached: () => {
        during = [...loadedPrograms(PROGS).keys()].filter((id) => !before.has(id));
        linksDuring = linksOf(during);
      },
    });
    expect(during).toHaveLength(4);
    expect(linksDuring).toHaveLength(4);
    await expectGone(during, before);

    // A run aborted mid-way.
    const ac = new AbortController();
    await runTool(execsnoop, {}, {
      durationMs: 30_000,
      signal: ac.signal,
      onAttached: () => {
        during = [...loadedPrograms(PROGS).keys()].filter((id) => !before.has(id));
        setTimeout(() => ac.abort(), 20);
      },
    });
    expect(during).toHaveLength(4);
    await expectGone(during, before);
  });

  it('attaches the execve/execveat syscall tracepoints, not raw_syscalls', async () => {
    let sections: string[] = [];
    await runTool(execsnoop, {}, {
      durationMs: 10,
      signal: new AbortController().signal,
      onAttached: () => {
        const progs = JSON.parse(execFileSync('bpftool', ['prog', 'show', '-j'], { encoding: 'utf8' })) as { name?: string; type: string }[];
        sections = progs.filter((p) => p.name && PROGS.includes(p.name)).map((p) => p.type);
      },
    });
    expect(sections).toEqual(['tracepoint', 'tracepoint', 'tracepoint', 'tracepoint']);
  });

  it('execveat is reported too (fexecve), with its argv', async () => {
    // fexecve(3) is execveat(fd, "", argv, envp, AT_EMPTY_PATH) in glibc 2.36.
    const out = await trace({ nameContains: 'fexecve-marker' }, () =>
      run('/usr/bin/python3.11', ['-c', `import os; fd = os.open(${JSON.stringify(binary)}, os.O_RDONLY); os.execve(fd, ['fexecve-' + 'marker', 'x'], {})`]),
    );
    if (out.result.kind !== 'events') throw new Error('expected events');
    // The python exec's own argv splits the marker, so only the execveat matches; its path is "" (AT_EMPTY_PATH).
    expect(out.result.rows.map((r) => [r.filename, r.args, r.ret, r.comm])).toEqual([['', ['fexecve-marker', 'x'], 0, basename(binary).slice(0, 15)]]);
  });
});

/** The kernel frees programs after an RCU grace period: poll briefly. */
async function expectGone(ids: number[], before: Set<number>): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const left = [...loadedPrograms(PROGS).keys()].filter((id) => !before.has(id));
    if (left.length === 0 && linksOf(ids).length === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect([...loadedPrograms(PROGS).keys()].filter((id) => !before.has(id))).toEqual([]);
  expect(linksOf(ids)).toEqual([]);
}
