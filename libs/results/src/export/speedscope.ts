import type { StacksResult } from '../../../contracts/src/index.js';
import { frameName } from '../frames.js';

interface SpeedscopeFrame {
  name: string;
  /** The module (binary, library, `[kernel]`); a process-name frame has none. */
  file?: string;
}

/** The part of speedscope's file format (https://www.speedscope.app/file-format-schema.json) written here. */
interface SpeedscopeFile {
  $schema: 'https://www.speedscope.app/file-format-schema.json';
  name: string;
  exporter: string;
  activeProfileIndex: number;
  shared: { frames: SpeedscopeFrame[] };
  profiles: {
    type: 'sampled';
    name: string;
    unit: 'none' | 'microseconds';
    startValue: number;
    endValue: number;
    /** Indices into `shared.frames`, root first. */
    samples: number[][];
    weights: number[];
  }[];
}

/** Samples and events are counts, which speedscope calls `none`; off-CPU time is in microseconds. */
const UNITS: Record<StacksResult['unit'], SpeedscopeFile['profiles'][number]['unit']> = {
  samples: 'none',
  us: 'microseconds',
  events: 'none',
};

/**
 * A stacks result as a speedscope file (JSON text): one sampled profile named `name`, one sample per stack
 * weighted by its count (so the weights add up to the result's `total`), frames shared and named by
 * frameName with the module as `file`. The process name is the root frame, as in the folded export, so
 * processes stay apart. No stacks: a profile with no samples, still a valid file.
 */
export function speedscopeFile(result: StacksResult, name: string): string {
  const frames: SpeedscopeFrame[] = [];
  const indices = new Map<string, number>();
  const indexOf = (key: string, frame: SpeedscopeFrame) => {
    let index = indices.get(key);
    if (index === undefined) {
      index = frames.push(frame) - 1;
      indices.set(key, index);
    }
    return index;
  };
  const samples = result.stacks.map((stack) => {
    const root = stack.comm ? [indexOf(`process\0${stack.comm}`, { name: stack.comm })] : [];
    const path = stack.frames.toReversed().map((frame) => {
      const label = frameName(frame);
      return indexOf(`frame\0${frame.module ?? ''}\0${label}`, frame.module === undefined ? { name: label } : { name: label, file: frame.module });
    });
    return [...root, ...path];
  });
  const weights = result.stacks.map((stack) => stack.count);
  const file: SpeedscopeFile = {
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    name,
    exporter: 'bpfleet',
    activeProfileIndex: 0,
    shared: { frames },
    profiles: [
      { type: 'sampled', name, unit: UNITS[result.unit], startValue: 0, endValue: weights.reduce((sum, w) => sum + w, 0), samples, weights },
    ],
  };
  return JSON.stringify(file);
}
