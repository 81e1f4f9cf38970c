import type { StacksResult } from '../../../contracts/src/index.js';
import { foldedPath } from '../frames.js';

/**
 * A stacks result as a folded file, as flamegraph.pl and speedscope read it: one line `path count` per
 * distinct path (root first, process name as the root, see foldedPath), stacks with the same path merged,
 * lines by count descending then path. No stacks: an empty file.
 */
export function foldedStacks(result: StacksResult): string {
  const counts = new Map<string, number>();
  for (const stack of result.stacks) {
    const path = foldedPath(stack);
    counts.set(path, (counts.get(path) ?? 0) + stack.count);
  }
  return [...counts]
    .sort(([pathA, a], [pathB, b]) => b - a || (pathA < pathB ? -1 : pathA > pathB ? 1 : 0))
    .map(([path, count]) => `${path} ${count}\n`)
    .join('');
}
