import type { StacksResult } from '../../../contracts/src/index.js';

type Stack = StacksResult['stacks'][number];

/** A function's samples in one profile: innermost (self) and anywhere on the stack (total). */
export interface FunctionCount {
  function: string;
  module: string | null;
  self: number;
  total: number;
}

const functionKey = (symbol: string, module: string | undefined) => `${module ?? ''}\0${symbol}`;

/** The samples of all stacks: the denominator of every share. */
export const sampleTotal = (stacks: readonly Stack[]): number => stacks.reduce((sum, s) => sum + s.count, 0);

/**
 * Every function (symbol + module) of a profile with its self and total samples. A recursive function counts
 * once per stack in `total`, so total ≤ the profile's samples. Unnamed frames of one module share the
 * `[unknown]` function of that module: their offsets differ between builds anyway.
 */
export function functionCounts(stacks: readonly Stack[]): Map<string, FunctionCount> {
  const functions = new Map<string, FunctionCount>();
  for (const stack of stacks) {
    const seen = new Set<string>();
    stack.frames.forEach((frame, depth) => {
      const key = functionKey(frame.symbol, frame.module);
      let fn = functions.get(key);
      if (!fn) functions.set(key, (fn = { function: frame.symbol, module: frame.module ?? null, self: 0, total: 0 }));
      if (depth === 0) fn.self += stack.count;
      if (!seen.has(key)) {
        seen.add(key);
        fn.total += stack.count;
      }
    });
  }
  return functions;
}

/** Samples where a symbol (in any module) is innermost, and where it appears at all (once per stack). */
export function symbolCounts(stacks: readonly Stack[], symbol: string): { self: number; total: number } {
  let self = 0;
  let total = 0;
  for (const stack of stacks) {
    if (stack.frames[0]?.symbol === symbol) self += stack.count;
    if (stack.frames.some((f) => f.symbol === symbol)) total += stack.count;
  }
  return { self, total };
}
