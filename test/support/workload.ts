import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** A copy of /bin/true under a name no other process on the machine uses. */
export function uniqueBinary(prefix: string): { path: string; name: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'bpfleet-'));
  // comm keeps 15 characters: keep the name inside that so comm and filename agree.
  const name = `${prefix}${Math.random().toString(36).slice(2, 8)}`.slice(0, 15);
  const path = join(dir, name);
  copyFileSync('/bin/true', path);
  return { path, name, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Execs `path` exactly `times` times, one after another, with `args`. */
export async function execTimes(path: string, times: number, args: string[]): Promise<void> {
  for (let i = 0; i < times; i++) await execFileAsync(path, args);
}

/**
 * A process that makes exactly `calls` getppid() syscalls once told to go, then exits.
 * Started ahead, so its pid can be a job's filter before it does anything countable.
 */
export function getppidWorkload(calls: number) {
  // Debian's python3 by path: a python3 found on PATH may be a shim (pyenv's is a bash script that calls
  // getppid() itself before exec'ing python, same pid), whose calls a filter on the pid would count.
  const child = spawn(
    '/usr/bin/python3',
    ['-c', `import os, sys\nsys.stdin.readline()\nfor _ in range(${calls}): os.getppid()\n`],
    { stdio: ['pipe', 'ignore', 'inherit'] },
  );
  const done = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    pid: child.pid!,
    go: () => {
      child.stdin!.end('go\n');
      return done;
    },
    kill: () => child.kill('SIGKILL'),
  };
}

/** A workload started blocked on stdin: its pid is known (to filter on) before it does anything countable. */
export interface GatedWorkload {
  pid: number;
  /** Lets it start (it waits for one byte on stdin). */
  go(): void;
  /** Its exit code (or null when killed by a signal). */
  exited: Promise<number | null>;
  /** The signal that ended it, once it has ended by one (for failure messages). */
  readonly signal: NodeJS.Signals | null;
  kill(): void;
}

/**
 * Starts `file args…` waiting for one byte on stdin (every fixture workload does); with `cpu` it is pinned
 * there by taskset (which execs it in place: same pid).
 */
export function startGated(file: string, args: string[], options: { cpu?: number } = {}): GatedWorkload {
  const [cmd, argv] = options.cpu === undefined ? [file, args] : ['taskset', ['-c', String(options.cpu), file, ...args]];
  const child = spawn(cmd, argv, { stdio: ['pipe', 'ignore', 'inherit'] });
  let signal: NodeJS.Signals | null = null;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, killedBy) => {
      signal = killedBy;
      resolve(code);
    }),
  );
  return {
    pid: child.pid!,
    go: () => child.stdin!.end('x'),
    exited,
    get signal() {
      return signal;
    },
    kill: () => child.kill('SIGKILL'),
  };
}
