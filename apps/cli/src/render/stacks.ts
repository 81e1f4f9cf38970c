import { basename } from 'node:path';
import type { StackFrame, StacksResult } from '../api/results.js';
import { formatNumber, formatShare } from './format.js';
import { renderTable } from './table.js';

/** A function's share of a stacks result: `self` where it is the innermost frame, `total` where it is on the stack. */
export interface FunctionCost {
  name: string;
  module?: string;
  self: number;
  total: number;
}

const UNKNOWN = '[unknown]';

/** A frame's function: its symbol, or `module+0xoffset` when it has none, so unnamed places stay apart. */
export function functionName(frame: StackFrame): string {
  if (frame.symbol !== UNKNOWN) return frame.symbol;
  const module = frame.module ?? UNKNOWN;
  return frame.offset === undefined ? module : `${module}+0x${frame.offset.toString(16)}`;
}

/**
 * Self and total of every function (same name and module) over all stacks, sorted by self, then total,
 * descending. A function that appears several times in one stack (recursion) counts once in its total.
 */
export function functionCosts(result: StacksResult): FunctionCost[] {
  const costs = new Map<string, FunctionCost>();
  for (const stack of result.stacks) {
    const seen = new Set<string>();
    stack.frames.forEach((frame, depth) => {
      const name = functionName(frame);
      const id = `${name}\0${frame.module ?? ''}`;
      const cost = costs.get(id) ?? { name, module: frame.module, self: 0, total: 0 };
      if (depth === 0) cost.self += stack.count;
      if (!seen.has(id)) cost.total += stack.count;
      seen.add(id);
      costs.set(id, cost);
    });
  }
  return [...costs.values()].sort((a, b) => b.self - a.self || b.total - a.total || a.name.localeCompare(b.name));
}

/** How many functions and stacks {@link renderStacks} shows, and how many frames of each stack. */
export interface StacksLimits {
  functions: number;
  stacks: number;
  frames: number;
}

const DEFAULT_LIMITS: StacksLimits = { functions: 15, stacks: 5, frames: 12 };

/**
 * A stacks result for a terminal: the top functions by self (with self and total, as counts in the
 * result's unit and as shares of its total), then the top stacks, innermost frame first. User modules are
 * shown by file name, kernel ones as `[kernel]`.
 */
export function renderStacks(result: StacksResult, limits: StacksLimits = DEFAULT_LIMITS): string {
  const share = (n: number) => (result.total > 0 ? formatShare(n / result.total) : '');
  const functions = renderTable(
    [
      { title: 'function' },
      { title: 'module' },
      { title: `self (${result.unit})`, align: 'right' },
      { title: 'self%', align: 'right' },
      { title: `total (${result.unit})`, align: 'right' },
      { title: 'total%', align: 'right' },
    ],
    functionCosts(result)
      .slice(0, limits.functions)
      .map((f) => [f.name, moduleLabel(f.module), formatNumber(f.self), share(f.self), formatNumber(f.total), share(f.total)]),
  );
  const stacks = result.stacks.slice(0, limits.stacks).map((stack, i) => {
    const who = stack.comm !== undefined ? ` ${stack.comm}${stack.pid !== undefined ? ` (${stack.pid})` : ''}` : '';
    const frames = stack.frames.slice(0, limits.frames).map((frame) => `    ${functionName(frame)}${frameModule(frame.module)}`);
    if (stack.frames.length > limits.frames) frames.push(`    … ${stack.frames.length - limits.frames} more frames`);
    return [`#${i + 1}  ${formatNumber(stack.count)} ${result.unit} (${share(stack.count)})${who}`, ...frames].join('\n');
  });
  return [
    `${formatNumber(result.total)} ${result.unit} in ${formatNumber(result.stacks.length)} stacks`,
    '',
    'top functions',
    functions,
    '',
    'top stacks',
    ...stacks,
  ].join('\n');
}

/** A module as a column shows it: a file by its name, the kernel (`[kernel]`, `[ext4]`) as it is. */
export const moduleLabel = (module: string | undefined | null): string =>
  module === undefined || module === null ? '' : module.startsWith('[') ? module : basename(module);

/** A module after a frame's name: ` (app)` for a file, ` [kernel]` for the kernel. */
const frameModule = (module: string | undefined): string =>
  module === undefined ? '' : module.startsWith('[') ? ` ${module}` : ` (${basename(module)})`;
