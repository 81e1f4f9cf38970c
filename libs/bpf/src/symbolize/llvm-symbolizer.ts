import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

/** What llvm-symbolizer found for one (object, address) request. */
export interface ResolvedSymbol {
  /** Linkage (demangled) function name, or undefined when the object has no symbol for the address. */
  name?: string;
  /** ELF virtual address of the function's start, when known. */
  start?: number;
  /** llvm-symbolizer could not read the object (e.g. "No such file or directory"): not worth caching. */
  error?: string;
}

/** Options of {@link LlvmSymbolizerProcess}. */
export interface LlvmSymbolizerOptions {
  /** Executable to run; default `llvm-symbolizer` from PATH. */
  path?: string;
  /**
   * Restart the process after it has been asked about this many distinct object files (default 256):
   * llvm-symbolizer keeps every object it opened mapped for its lifetime, so this bounds its memory on a
   * long-lived agent.
   */
  maxObjects?: number;
  /** Called with a line of text for each problem worth logging (spawn failure, crash, stderr). */
  onWarning?: (message: string) => void;
}

interface Pending {
  resolve: (r: ResolvedSymbol) => void;
  reject: (e: Error) => void;
}

const ARGS = ['--functions=linkage', '--no-inlines', '--output-style=JSON', '--demangle'];

/**
 * A long-lived `llvm-symbolizer` child process answering batched (object path, ELF address) requests over
 * stdin/stdout, one JSON line per request, in order.
 *
 * Ownership: the instance owns the child process. It is started on the first request, restarted on the
 * next request after it died (or after {@link LlvmSymbolizerOptions.maxObjects}), and killed by
 * {@link close} (idempotent). Requests in flight when it dies reject with an Error; requests after
 * `close()` reject too. A path that cannot be quoted on llvm-symbolizer's input line (contains `"` or a
 * newline) resolves to `{}` without being sent.
 */
export class LlvmSymbolizerProcess implements Disposable {
  private child: ChildProcessWithoutNullStreams | undefined;
  private pending: Pending[] = [];
  private objects = new Set<string>();
  private closed = false;
  /** Set when the executable is missing: no point spawning it again for every stack. */
  private unavailable: string | undefined;
  private readonly path: string;
  private readonly maxObjects: number;
  private readonly warn: (message: string) => void;

  constructor(opts: LlvmSymbolizerOptions = {}) {
    this.path = opts.path ?? 'llvm-symbolizer';
    this.maxObjects = opts.maxObjects ?? 256;
    this.warn = opts.onWarning ?? (() => {});
  }

  /** Resolve every request, in one write; results are in request order. */
  resolve(requests: readonly { object: string; address: number }[]): Promise<ResolvedSymbol[]> {
    if (this.closed) return Promise.reject(new Error('llvm-symbolizer: closed'));
    if (this.unavailable) return Promise.reject(new Error(`llvm-symbolizer: ${this.unavailable}`));
    if (requests.length === 0) return Promise.resolve([]);
    const fresh = requests.filter((r) => !this.objects.has(r.object));
    if (this.child && this.objects.size + new Set(fresh.map((r) => r.object)).size > this.maxObjects) {
      this.stop(); // pending requests of the old process still complete: stop() only ends its stdin
    }
    const child = this.start();
    const lines: string[] = [];
    const results: Promise<ResolvedSymbol>[] = [];
    for (const r of requests) {
      if (/["\n\r]/.test(r.object)) {
        results.push(Promise.resolve({}));
        continue;
      }
      this.objects.add(r.object);
      lines.push(`"${r.object}" 0x${r.address.toString(16)}\n`);
      results.push(new Promise<ResolvedSymbol>((resolve, reject) => this.pending.push({ resolve, reject })));
    }
    if (lines.length) child.stdin.write(lines.join(''));
    return Promise.all(results);
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn(this.path, ARGS, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.objects = new Set();
    // Each child has its own queue: a restart must not hand the new process's answers to the old requests.
    const queue: Pending[] = [];
    this.pending = queue;
    const fail = (why: string) => {
      if (this.child === child) this.child = undefined;
      const err = new Error(`llvm-symbolizer: ${why}`);
      for (const p of queue.splice(0)) p.reject(err);
    };
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      const p = queue.shift();
      if (!p) return;
      try {
        p.resolve(parseResponse(line));
      } catch (e) {
        p.reject(e as Error);
      }
    });
    createInterface({ input: child.stderr }).on('line', (line) => this.warn(`llvm-symbolizer: ${line}`));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'EACCES') this.unavailable = `cannot run ${this.path}: ${e.code}`;
      this.warn(`llvm-symbolizer: ${e.message}`);
      fail(e.message);
    });
    child.stdin.on('error', () => {}); // EPIPE after a crash; reported through 'exit'
    child.on('exit', (code, signal) => {
      if (queue.length || (!this.closed && this.child === child && (code !== 0 || signal))) {
        this.warn(`llvm-symbolizer exited (${signal ?? `code ${code}`}) with ${queue.length} requests pending`);
      }
      fail(`exited (${signal ?? `code ${code}`})`);
    });
    return child;
  }

  /** Let the current child finish what it was asked and exit; the next request starts a new one. */
  private stop(): void {
    const child = this.child;
    this.child = undefined;
    child?.stdin.end();
  }

  /** Kill the child process (if any). Idempotent; pending requests reject. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const child = this.child;
    this.child = undefined;
    if (child) {
      child.stdin.end();
      child.kill('SIGKILL');
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

interface JsonResponse {
  Error?: { Message?: string };
  Symbol?: { FunctionName?: string; StartAddress?: string }[];
}

/** Parse one JSON output line of `llvm-symbolizer --output-style=JSON` for a CODE request. */
export function parseResponse(line: string): ResolvedSymbol {
  const r = JSON.parse(line) as JsonResponse;
  if (r.Error) return { error: r.Error.Message ?? 'error' };
  const s = r.Symbol?.[0];
  if (!s || !s.FunctionName || s.FunctionName === '??') return {};
  const start = s.StartAddress ? parseInt(s.StartAddress, 16) : NaN;
  return Number.isNaN(start) ? { name: s.FunctionName } : { name: s.FunctionName, start };
}
