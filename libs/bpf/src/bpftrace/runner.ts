/**
 * Runs a bpftrace program for a bounded time and collects its JSON output. The program text is one
 * argv element (`-e`), never passed through a shell. See docs/histograms.md ("bpftrace runner").
 */
import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { RunStats } from '../../../contracts/src/results.js';
import { NotSupportedError } from '../errors.js';
import { BpftraceOutputParser, type BpftraceOutput } from './output.js';

/** bpftrace failed: it exited non-zero or never attached. `errors` are its ERROR lines, `stderr` all of it. */
export class BpftraceError extends Error {
  override readonly name = 'BpftraceError';
  constructor(
    message: string,
    readonly errors: string[],
    readonly stderr: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
  ) {
    super(message);
  }
}

export interface RunBpftraceOptions {
  /** The bpftrace program text. */
  program: string;
  /** How long to trace once every probe is attached; SIGINT then (bpftrace prints its maps and exits). */
  durationMs: number;
  /** Aborting sends SIGINT at once; the run returns what was printed, with `aborted: true`. */
  signal?: AbortSignal;
  /**
   * Called once, when every probe is attached (bpftrace has entered its event loop; see
   * waitForEventLoop): a workload started from here is traced from its first event.
   */
  onAttached?: (probes: number) => void;
  /** Default `bpftrace` (from PATH). */
  bpftracePath?: string;
  /** Give up (SIGINT, then BpftraceError) if probes are not attached within this time. Default 60 s. */
  attachTimeoutMs?: number;
  /** SIGKILL if bpftrace has not exited this long after SIGINT. Default 5 s. */
  killAfterMs?: number;
  /** Keep at most this many text (printf) lines; the rest are counted. Default 100 000. */
  maxLines?: number;
  /** Extra environment for bpftrace (e.g. BPFTRACE_STRLEN). */
  env?: Record<string, string>;
}

export interface BpftraceRun {
  output: BpftraceOutput;
  stats: RunStats;
  /** The run was cut short by the abort signal. */
  aborted: boolean;
  /** bpftrace had to be SIGKILLed (it ignored SIGINT): maps were not printed. */
  killed: boolean;
  /** WARNING lines bpftrace printed (and benign ERROR lines, such as the RLIMIT_MEMLOCK notice). */
  warnings: string[];
}

/**
 * bpftrace ≥ 0.17 prints this as an ERROR but carries on (kernels ≥ 5.11 account BPF memory to memcg,
 * so the rlimit is irrelevant).
 */
const BENIGN = [/couldn't set RLIMIT_MEMLOCK/];
const MAX_STDERR = 64 * 1024;

function classifyStderr(stderr: string): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const line of stderr.split('\n')) {
    const l = line.trimEnd();
    if (!l) continue;
    if (BENIGN.some((re) => re.test(l))) warnings.push(l);
    else if (/\bERROR:/.test(l)) errors.push(l);
    else if (/\bWARNING:/.test(l)) warnings.push(l);
  }
  return { errors, warnings };
}

/**
 * Runs `bpftrace -f json -e <program>`: waits for its probes to attach (calls `onAttached`), traces for
 * `durationMs`, sends SIGINT (SIGKILL `killAfterMs` later if needed) and resolves with the parsed
 * output. Rejects with BpftraceError when bpftrace exits non-zero or never attaches (unless aborted),
 * NotSupportedError when the binary is missing.
 */
export function runBpftrace(opts: RunBpftraceOptions): Promise<BpftraceRun> {
  const path = opts.bpftracePath ?? 'bpftrace';
  const killAfterMs = opts.killAfterMs ?? 5_000;
  const attachTimeoutMs = opts.attachTimeoutMs ?? 60_000;
  const started = performance.now();

  return new Promise<BpftraceRun>((resolve, reject) => {
    const child = spawn(path, ['-f', 'json', '-e', opts.program], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
    });
    const parser = new BpftraceOutputParser(opts.maxLines);
    let stderr = '';
    let attachedAt: number | undefined;
    let stoppedAt: number | undefined;
    let interrupted = false;
    let aborted = false;
    let killed = false;
    let attachTimedOut = false;
    let spawnError: Error | undefined;
    let traceTimer: NodeJS.Timeout | undefined;
    let killTimer: NodeJS.Timeout | undefined;

    const alive = () => child.exitCode === null && child.signalCode === null;
    const interrupt = () => {
      if (interrupted || !alive()) return;
      interrupted = true;
      stoppedAt = performance.now();
      child.kill('SIGINT');
      void resendSigint(child.pid!, alive, () => child.kill('SIGINT'));
      killTimer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) {
          killed = true;
          child.kill('SIGKILL');
        }
      }, killAfterMs);
    };
    const onAbort = () => {
      aborted = true;
      interrupt();
    };
    const attachTimer = setTimeout(() => {
      attachTimedOut = true;
      interrupt();
    }, attachTimeoutMs);

    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });

    child.on('error', (err) => {
      spawnError = err; // 'close' still follows
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < MAX_STDERR) stderr += chunk.slice(0, MAX_STDERR - stderr.length);
    });
    const rl = createInterface({ input: child.stdout, crlfDelay: Infinity });
    const markAttached = () => {
      if (attachedAt !== undefined || interrupted) return;
      attachedAt = performance.now();
      clearTimeout(attachTimer);
      try {
        opts.onAttached?.(parser.output.attachedProbes);
      } catch {
        // a throwing callback must not leave bpftrace running
      }
      traceTimer = setTimeout(interrupt, Math.max(0, opts.durationMs));
    };
    let announced = false;
    rl.on('line', (line) => {
      const type = parser.feed(line);
      if (type === 'attached_probes' && !announced) {
        announced = true;
        // bpftrace prints this *before* loading and attaching: wait for its event loop instead.
        void waitForEventLoop(child.pid!, () => interrupted || child.exitCode !== null || child.signalCode !== null).then(markAttached);
      }
    });

    // 'close' fires after stdout/stderr have ended, so every line has been parsed.
    child.on('close', (code, sig) => {
      clearTimeout(attachTimer);
      clearTimeout(traceTimer);
      clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      const output = parser.finish();
      if (spawnError) {
        const e = spawnError as NodeJS.ErrnoException;
        if (e.code === 'ENOENT' || e.code === 'EACCES') {
          reject(new NotSupportedError('bpftrace', `bpftrace not runnable at ${path}: ${e.code}`));
        } else reject(e);
        return;
      }
      const { errors, warnings } = classifyStderr(stderr);
      const end = stoppedAt ?? performance.now();
      const stats: RunStats = {
        attachMs: attachedAt !== undefined ? Math.round(attachedAt - started) : undefined,
        tracedMs: attachedAt !== undefined ? Math.round(Math.max(0, end - attachedAt)) : undefined,
        lostEvents: output.lostEvents,
      };
      // Exit after our SIGINT is normal (0, or death by SIGINT); anything else before/without it is a failure.
      const cleanExit = code === 0 || (interrupted && (sig === 'SIGINT' || killed));
      // An abort may kill bpftrace mid-attach with a non-zero status: still a clean (empty) result.
      const failed = (!cleanExit && !(aborted && errors.length === 0)) || (attachedAt === undefined && !aborted);
      if (failed) {
        const why =
          errors.length > 0
            ? errors.join('\n')
            : attachTimedOut
              ? `probes not attached within ${attachTimeoutMs} ms`
              : stderr.trim() || `exited with ${code ?? sig}`;
        reject(new BpftraceError(`bpftrace: ${why}`, errors, stderr, code, sig));
        return;
      }
      resolve({ output, stats, aborted, killed, warnings });
    });
  });
}

/** epoll_wait, epoll_pwait, epoll_pwait2 (x86-64; arm64 has only the last two). */
const EPOLL_SYSCALLS = process.arch === 'arm64' ? new Set([22, 441]) : new Set([232, 281, 441]);
const POLL_MS = 2;

/**
 * Resolves once bpftrace's main thread blocks in epoll_wait: it enters its perf-buffer poll loop only
 * after every probe is attached (bpftrace ≤ 0.2x prints `attached_probes` before attaching, and runs
 * BEGIN before attaching the other probes, so neither is a usable signal). Reads /proc/PID/syscall;
 * where that is unreadable, resolves at once (attach then counts from the `attached_probes` line).
 */
async function waitForEventLoop(pid: number, stop: () => boolean): Promise<void> {
  while (!stop()) {
    let text: string;
    try {
      text = await readFile(`/proc/${pid}/syscall`, 'utf8');
    } catch {
      return;
    }
    const nr = Number(text.split(' ', 1)[0]);
    if (EPOLL_SYSCALLS.has(nr)) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * bpftrace (≤ 0.2x) only notices SIGINT when it interrupts epoll_wait in its event loop; one that lands
 * while it is outside the call (reading events, or between two 100 ms waits) sets a flag nobody
 * checks, and it traces on. So while it is still seen blocked in epoll_wait well after a SIGINT, send
 * another. After it leaves the loop for good it never calls epoll_wait again (it resets SIGINT to the
 * default action then, so a stray SIGINT during its map printing would kill it: hence the gating).
 */
async function resendSigint(pid: number, alive: () => boolean, send: () => void): Promise<void> {
  await new Promise((r) => setTimeout(r, 400));
  while (alive()) {
    let nr: number;
    try {
      nr = Number((await readFile(`/proc/${pid}/syscall`, 'utf8')).split(' ', 1)[0]);
    } catch {
      return;
    }
    if (EPOLL_SYSCALLS.has(nr) && alive()) send();
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** bpftrace's version string (`bpftrace v0.17.0`), or undefined when it cannot be run. */
export function bpftraceVersion(bpftracePath = 'bpftrace'): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(bpftracePath, ['--version'], { timeout: 5_000 }, (err, stdout) => {
      resolve(err ? undefined : stdout.toString().trim() || undefined);
    });
  });
}

/** Whether bpftrace can be run on this host (the capability probe; running it also needs root/CAP_BPF). */
export async function bpftraceAvailable(bpftracePath = 'bpftrace'): Promise<boolean> {
  return (await bpftraceVersion(bpftracePath)) !== undefined;
}
