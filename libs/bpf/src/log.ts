import { type Ptr, koffi, libbpf } from './libbpf.js';

/** How much of libbpf's log one operation keeps: a verifier rejection's tail is what matters. */
const MAX_LOG_BYTES = 64 * 1024;

let installed = false;
let capture: string[] | null = null;
let captureBytes = 0;
const formatBuf = Buffer.alloc(8192);

/** sizeof(va_list) on x86-64 SysV: { gp_offset, fp_offset, overflow_arg_area, reg_save_area }. */
const VA_LIST_SIZE = 24;

function onPrint(_level: number, fmt: Ptr, ap: Ptr): number {
  // libbpf calls back synchronously on the thread that called it (always the main thread here).
  if (capture === null) return 0;
  const lib = libbpf();
  // va_copy by hand (a va_list is consumed by use): a verifier log arrives as ONE message of up to
  // megabytes, and its tail (the rejected instruction) is what matters, so an oversized message is
  // formatted again, from the copy, into a buffer of the size vsnprintf reported.
  const apCopy = Buffer.from(new Uint8Array(koffi.view(ap, VA_LIST_SIZE))); // a copy, not a view
  const n = lib.vsnprintf(formatBuf, formatBuf.length, fmt, ap);
  if (n <= 0) return 0;
  let text: string;
  if (n < formatBuf.length) {
    text = formatBuf.toString('utf8', 0, n);
  } else {
    const big = Buffer.alloc(n + 1);
    const m = lib.vsnprintf(big, big.length, fmt, apCopy);
    text = big.toString('utf8', 0, Math.max(0, Math.min(m, n)));
  }
  if (text.length > MAX_LOG_BYTES) text = text.slice(-MAX_LOG_BYTES);
  capture.push(text);
  captureBytes += text.length;
  // Keep the newest MAX_LOG_BYTES: drop whole old messages, then trim the head of the oldest kept one.
  while (captureBytes > MAX_LOG_BYTES) {
    const excess = captureBytes - MAX_LOG_BYTES;
    if (capture[0].length <= excess) {
      captureBytes -= capture.shift()!.length;
    } else {
      capture[0] = capture[0].slice(excess);
      captureBytes -= excess;
    }
  }
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
