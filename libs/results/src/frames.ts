import type { StackFrame, StacksResult } from '../../contracts/src/index.js';

export type Stack = StacksResult['stacks'][number];

const UNKNOWN = '[unknown]';

/** Kernel frames have a bracketed module: `[kernel]`, or `[ext4]` for a kernel module. */
export const isKernelFrame = (frame: StackFrame): boolean => frame.module?.startsWith('[') === true && frame.module !== UNKNOWN;

/**
 * The name of a frame's function: its symbol, or `module+0xoffset` for an unnamed frame, so two different
 * unnamed places never merge into one. Formats that carry the module beside the name (speedscope, pprof)
 * use this; a folded file, which has nowhere else to say "kernel", uses {@link frameLabel}.
 */
export function frameName(frame: StackFrame): string {
  if (frame.symbol !== UNKNOWN) return frame.symbol;
  const module = frame.module && frame.module !== UNKNOWN ? frame.module : UNKNOWN;
  return frame.offset === undefined ? module : `${module}+0x${frame.offset.toString(16)}`;
}

/**
 * The name a frame has in a flame graph: {@link frameName}, kernel frames with the `_[k]` suffix
 * flamegraph.pl colours as kernel (the annotation of BCC's `profile -a`).
 */
export function frameLabel(frame: StackFrame): string {
  return isKernelFrame(frame) ? `${frameName(frame)}_[k]` : frameName(frame);
}

/**
 * `;` is the folded separator (inside a name: C++ templates rarely, Rust never) and a line break would end
 * the line: a process can give itself any comm, line breaks included, and forge a line with its own count.
 */
const foldedName = (name: string): string => name.replaceAll(';', ':').replaceAll(/[\r\n]/g, ' ');

/**
 * One stack as a folded-file path: root first, `;`-separated, the process name as the root frame when the
 * stack has one (as BCC's `profile -f` writes it). `;` and line breaks inside a name are replaced.
 */
export function foldedPath(stack: Stack): string {
  const names = stack.frames.map((frame) => foldedName(frameLabel(frame))).reverse();
  if (stack.comm !== undefined && stack.comm !== '') names.unshift(foldedName(stack.comm));
  return names.join(';');
}
