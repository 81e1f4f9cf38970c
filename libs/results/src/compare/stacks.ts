import type { StacksResult } from '../../../contracts/src/index.js';
import { IncompatibleSamplesError } from './errors.js';
import { functionCounts, sampleTotal, type FunctionCount } from './functions.js';
import { asCompared, comparedUnit, isNormalized, type Sample } from './sample.js';
import type { FunctionChange, FunctionSide, StacksComparison } from './types.js';

type Side = Sample & { result: StacksResult };

/** Functions listed by default: a profile has thousands, and the ones that moved least say least. */
export const DEFAULT_MAX_FUNCTIONS = 200;

/** Both profiles must count the same thing: samples against blocked µs would be meaningless. */
export function sameStacksUnit(base: StacksResult, target: StacksResult): void {
  if (base.unit !== target.unit) throw new IncompatibleSamplesError(`cannot compare stacks in ${base.unit} with stacks in ${target.unit}`);
}

/**
 * Two profiles function by function: self and total samples (rates when normalized) and their shares of
 * each side's samples. The `maxFunctions` with the largest share change (self or total) are kept, sorted top
 * regressed first; the rest are counted in `omitted`.
 */
export function compareStacks(base: Side, target: Side, maxFunctions = DEFAULT_MAX_FUNCTIONS): StacksComparison {
  sameStacksUnit(base.result, target.result);
  const normalized = isNormalized(base, target);
  const baseTotal = sampleTotal(base.result.stacks);
  const targetTotal = sampleTotal(target.result.stacks);
  const baseFunctions = functionCounts(base.result.stacks);
  const targetFunctions = functionCounts(target.result.stacks);
  const side = (fn: FunctionCount | undefined, total: number, sample: Side): FunctionSide => ({
    self: asCompared(fn?.self ?? 0, sample, normalized),
    total: asCompared(fn?.total ?? 0, sample, normalized),
    selfShare: total > 0 ? (fn?.self ?? 0) / total : 0,
    totalShare: total > 0 ? (fn?.total ?? 0) / total : 0,
  });
  const all: FunctionChange[] = [...new Set([...baseFunctions.keys(), ...targetFunctions.keys()])].map((key) => {
    const inBase = baseFunctions.get(key);
    const inTarget = targetFunctions.get(key);
    const b = side(inBase, baseTotal, base);
    const t = side(inTarget, targetTotal, target);
    const { function: name, module } = (inBase ?? inTarget)!;
    return {
      function: name,
      module,
      base: b,
      target: t,
      delta: { self: t.self - b.self, total: t.total - b.total, selfShare: t.selfShare - b.selfShare, totalShare: t.totalShare - b.totalShare },
    };
  });
  const moved = (fn: FunctionChange) => Math.max(Math.abs(fn.delta.selfShare), Math.abs(fn.delta.totalShare));
  const byName = (a: FunctionChange, b: FunctionChange) => compareText(a.function, b.function) || compareText(a.module ?? '', b.module ?? '');
  const kept = all.sort((a, b) => moved(b) - moved(a) || byName(a, b)).slice(0, maxFunctions);
  kept.sort((a, b) => b.delta.selfShare - a.delta.selfShare || b.delta.totalShare - a.delta.totalShare || byName(a, b));
  return {
    kind: 'stacks',
    unit: comparedUnit(base.result.unit, normalized),
    normalized,
    base: { total: asCompared(baseTotal, base, normalized) },
    target: { total: asCompared(targetTotal, target, normalized) },
    functions: kept,
    omitted: all.length - kept.length,
  };
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
