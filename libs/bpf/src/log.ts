import { type Ptr, koffi, libbpf } from './libbpf.js';

/** How much of libbpf's log one operation keeps: a verifier rejection's tail is what matters. */
const MAX_LOG_BYTES = 64 * 1024;

let installed = false;
let capture: string[] | null = null;
let captureBytes = 0;
const formatBuf = Buffer.alloc(8192);

function onPrint(_level: number, fmt: Ptr, ap: Ptr): number {
  // libbpf calls back synchronously on the thread that called it (always the main thread here).
  const n = libbpf().vsnprintf(formatBuf, formatBuf.length, fmt, ap);
  if (n <= 0 || capture === null) return 0;
  const text = formatBuf.toString('utf8', 0, Math.min(n, formatBuf.length - 1));
  capture.push(text);
  captureBytes += text.length;
  while (captureBytes > MAX_LOG_BYTES && capture.length > 1) captureBytes -= capture.shift()!.length;
  return 0;
}

function install(): void {
  if (installed) return;
  const lib = libbpf();
  // Registered once for the process lifetime: libbpf keeps the pointer globally.
  const cb = koffi.register(onPrint, koffi.pointer(lib.PrintFn));
  lib.libbpf_set_print(cb);
  installed = true;
}

/**
 * Runs `fn` (a synchronous libbpf call) while capturing libbpf's log output, keeping the last 64 KB.
 * Returns the call's result and the captured text. Not reentrant (libbpf's print hook is process-global);
 * safe because every libbpf call here is synchronous on the main thread.
 */
export function withLibbpfLog<T>(fn: () => T): { value: T; log: string } {
  install();
  const outer = capture;
  capture = [];
  captureBytes = 0;
  try {
    const value = fn();
    return { value, log: capture.join('') };
  } finally {
    capture = outer;
  }
}
