import type { StacksResult } from '../../../contracts/src/index.js';
import { foldedPath } from '../frames.js';
import { IncompatibleSamplesError } from './errors.js';
import { exposureMs, isNormalized, type Sample } from './sample.js';
import { sameStacksUnit } from './stacks.js';

const isStacks = (sample: Sample): sample is Sample & { result: StacksResult } => sample.result.kind === 'stacks';

/**
 * The differential folded file of two profiles, as Brendan Gregg's difffolded.pl writes it: one line per
 * stack path, `path baseCount targetCount`, a path missing on one side counting 0 there; lines sorted by path,
 * each ending in a newline. When the requested durations differ, the base counts are scaled to the target's
 * traced time and rounded, so both columns cover the same time.
 *
 * @throws IncompatibleSamplesError unless both sides are stacks in the same unit.
 */
export function differentialFolded(base: Sample, target: Sample): string {
  if (!isStacks(base) || !isStacks(target)) {
    throw new IncompatibleSamplesError(`a differential folded file needs two stacks results, not ${base.result.kind} and ${target.result.kind}`);
  }
  sameStacksUnit(base.result, target.result);
  const scale = isNormalized(base, target) ? exposureMs(target) / exposureMs(base) : 1;
  const paths = new Map<string, [number, number]>();
  const add = (stacks: StacksResult['stacks'], side: 0 | 1) => {
    for (const stack of stacks) {
      const path = foldedPath(stack);
      const counts = paths.get(path) ?? [0, 0];
      counts[side] += stack.count;
      paths.set(path, counts);
    }
  };
  add(base.result.stacks, 0);
  add(target.result.stacks, 1);
  return [...paths.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, [b, t]]) => `${path} ${Math.round(b * scale)} ${t}\n`)
    .join('');
}
