/** Small process, timing and formatting helpers for the benchmarks. */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (this file runs as dist/bench/lib.js). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Where the bench compiles its workloads and writes scratch files. */
export const WORK = join(process.env.BPFLEET_DATA_DIR ?? join(ROOT, '.data'), 'bench');

/** The value after `--name` on the command line. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

export const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function sh(cmd: string): string {
  try {
    return execFileSync('sh', ['-c', cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export interface Started {
  child: ChildProcess;
  /** ms from just before spawn() to the first output line matching the pattern. */
  ms: number;
  /** Every line seen so far (stdout and stderr). */
  lines: string[];
}

/** Appends every line a child writes (stdout and stderr) to `lines`, calling `onLine` with its arrival time. */
function readLines(child: ChildProcess, lines: string[], onLine?: (line: string, at: number) => void): void {
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const at = performance.now();
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        onLine?.(line, at);
      }
    });
  }
}

/**
 * Spawns a command and resolves when a line of its stdout or stderr matches `ready`, with the time
 * since just before spawn(). Rejects on exit or timeout (killing the child).
 */
export function startUntil(cmd: string, args: string[], ready: RegExp, opts: SpawnOptions = {}, timeoutMs = 30_000): Promise<Started> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let done = false;
    const timer = setTimeout(() => finish(new Error(`${cmd}: no line matching ${ready} within ${timeoutMs} ms: ${lines.slice(-5).join(' | ')}`)), timeoutMs);
    const finish = (err?: Error, ms = 0) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        child.kill('SIGKILL');
        reject(err);
      } else resolve({ child, ms, lines });
    };
    readLines(child, lines, (line, at) => {
      if (ready.test(line)) finish(undefined, at - t0);
    });
    child.on('exit', (code, sig) => finish(new Error(`${cmd} exited (${code ?? sig}) before ${ready}: ${lines.slice(-5).join(' | ')}`)));
    child.on('error', (err) => finish(err));
  });
}

/** How many of a process's file descriptors point at something matching `target` (e.g. /^anon_inode:bpf_link$/). */
function countFds(pid: number, target: RegExp): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (target.test(readlinkSync(`/proc/${pid}/fd/${fd}`))) n++;
    } catch {
      // closed between readdir and readlink
    }
  }
  return n;
}

/**
 * For tracers that print nothing once attached (libbpf-tools offcputime, perf record): spawns the command and
 * resolves when the process holds `count` descriptors matching `target` (its BPF links or perf events, opened
 * after load), with the time since just before spawn(). Its output is kept in `lines` (and drained, so a long
 * report at exit never blocks on a full pipe).
 */
export async function startHolding(cmd: string, args: string[], target: RegExp, count = 1, timeoutMs = 30_000): Promise<Started> {
  const lines: string[] = [];
  const t0 = performance.now();
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let failed: Error | undefined;
  child.on('error', (err) => (failed = err));
  readLines(child, lines);
  for (;;) {
    await sleep(5);
    if (failed) throw failed;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${cmd} exited (${child.exitCode ?? child.signalCode}) before attaching: ${lines.slice(-5).join(' | ')}`);
    }
    try {
      if (countFds(child.pid!, target) >= count) return { child, ms: performance.now() - t0, lines };
    } catch {
      // /proc/PID/fd vanished: the process is exiting, which the next turn reports
    }
    if (performance.now() - t0 > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`${cmd}: fewer than ${count} fds matching ${target} after ${timeoutMs} ms`);
    }
  }
}

/** Sends `signal`, waits for exit, SIGKILLs after `graceMs`. */
export async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGINT', graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Runs a command to completion, returning stdout; throws on a non-zero exit. */
export function run(cmd: string, args: string[], opts: SpawnOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    let err = '';
    child.stdout!.on('data', (c) => (out += c));
    child.stderr!.on('data', (c) => (err += c));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.trim().slice(-500)}`))));
    child.on('error', reject);
  });
}

/** Resident set size of a process in MB (VmRSS of /proc/PID/status). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Proportional set size in MB (smaps_rollup): shared pages split between the processes mapping them. */
export function pssMb(pid: number): number {
  return memMb(pid).pss;
}

export interface Mem {
  /** VmRSS: every resident page mapped, shared ones included (the node binary, LLVM's libraries). */
  rss: number;
  /** Proportional set size: shared pages divided among the processes that map them. */
  pss: number;
  /** Unique set size = Private_Clean + Private_Dirty: what the host gets back when the process exits. */
  uss: number;
  /** Anonymous resident memory (heaps, stacks, JIT code): RssAnon of /proc/PID/status. */
  anon: number;
}

/** RSS, PSS, USS and RssAnon of a process in MB, from /proc/PID/smaps_rollup and /proc/PID/status. */
export function memMb(pid: number): Mem {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (text: string, key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) / 1024 : NaN;
  };
  return {
    rss: kb(status, 'VmRSS'),
    pss: kb(rollup, 'Pss'),
    uss: kb(rollup, 'Private_Clean') + kb(rollup, 'Private_Dirty'),
    anon: kb(status, 'RssAnon'),
  };
}

/** The larger of each figure (a peak over samples). */
export const peakMem = (a: Mem | undefined, b: Mem): Mem =>
  !a ? b : { rss: Math.max(a.rss, b.rss), pss: Math.max(a.pss, b.pss), uss: Math.max(a.uss, b.uss), anon: Math.max(a.anon, b.anon) };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export const fmt = (n: number, digits = 1) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';
export const fmtInt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
export const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

export function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Measures every config once per round for `runs` rounds, rotating the order each round so drift (thermal,
 * noisy neighbours) spreads over every config. Returns each config's figures, one per round.
 */
export async function interleaved<C extends string>(configs: readonly C[], runs: number, measure: (config: C, round: number) => Promise<number>): Promise<Record<C, number[]>> {
  const figures = Object.fromEntries(configs.map((c) => [c, [] as number[]])) as Record<C, number[]>;
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < configs.length; i++) {
      const c = configs[(i + r) % configs.length]!;
      figures[c].push(await measure(c, r));
    }
  }
  return figures;
}
