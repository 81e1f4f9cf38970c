/** Small process, timing and formatting helpers for the benchmarks. */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

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
    let partial = '';
    const onData = (chunk: Buffer) => {
      const at = performance.now();
      const text = partial + chunk.toString();
      const parts = text.split('\n');
      partial = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (ready.test(line)) finish(undefined, at - t0);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code, sig) => finish(new Error(`${cmd} exited (${code ?? sig}) before ${ready}: ${lines.slice(-5).join(' | ')}`)));
    child.on('error', (err) => finish(err));
  });
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
