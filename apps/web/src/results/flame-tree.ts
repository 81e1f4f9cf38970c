import { functionCounts, sampleTotal } from '../../../../libs/results/src/compare/functions.js';
import { frameName, isKernelFrame } from '../../../../libs/results/src/frames.js';
import type { StacksResult } from '../api/results';

/** What a frame is: kernel and user code are coloured apart; the process (comm) roots the stacks. */
export type FrameType = 'root' | 'process' | 'kernel' | 'user';

/**
 * One frame of a flame graph, as d3-flame-graph reads it: `value` is inclusive (the frame and everything
 * it called). The differential graph also carries both sides' counts and the change of the frame's share.
 */
export interface FlameNode {
  name: string;
  value: number;
  type: FrameType;
  module?: string;
  children: FlameNode[];
  /** Differential only: the frame's inclusive counts on each side. */
  base?: number;
  target?: number;
  /** Differential only: target share − base share of the frame (fractions of each side's samples). */
  delta?: number;
}

type Builder = FlameNode & { index: Map<string, Builder> };

function child(parent: Builder, key: string, make: () => FlameNode): Builder {
  let node = parent.index.get(key);
  if (!node) {
    node = { ...make(), children: [], index: new Map() };
    parent.index.set(key, node);
    parent.children.push(node);
  }
  return node;
}

/** Children sorted by name (flamegraph.pl's order: the x axis is not time), builder maps dropped. */
function finish(node: Builder): FlameNode {
  const { index: _index, ...rest } = node;
  return { ...rest, children: node.children.map((c) => finish(c as Builder)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}

/**
 * The flame graph of a stacks result: the process name (comm) as the first level when the stacks have one,
 * then the frames outermost first. Frames merge by name and module, so the same symbol in two binaries
 * stays two frames; unnamed frames are `module+0xoffset` ({@link frameName}).
 */
export function stacksTree(result: Pick<StacksResult, 'stacks'>): FlameNode {
  const root: Builder = { name: 'all', value: 0, type: 'root', children: [], index: new Map() };
  for (const stack of result.stacks) {
    root.value += stack.count;
    let node = root;
    if (stack.comm !== undefined && stack.comm !== '') {
      const comm = stack.comm;
      node = child(node, `\u0001${comm}`, () => ({ name: comm, value: 0, type: 'process', children: [] }));
      node.value += stack.count;
    }
    for (let i = stack.frames.length - 1; i >= 0; i--) {
      const frame = stack.frames[i]!;
      const name = frameName(frame);
      node = child(node, `${frame.module ?? ''}\u0000${name}`, () => ({
        name,
        value: 0,
        type: isKernelFrame(frame) ? 'kernel' : 'user',
        module: frame.module,
        children: [],
      }));
      node.value += stack.count;
    }
  }
  return finish(root);
}

/** The suffix the folded format gives kernel frames (flamegraph.pl's `_[k]`). */
const KERNEL_SUFFIX = '_[k]';

/** One line of a differential folded file: the path root first, and both counts. */
export interface DiffLine {
  path: string[];
  base: number;
  target: number;
}

/**
 * Parses `GET /v1/compare?format=folded`: `path baseCount targetCount` per line (difffolded.pl). A name may
 * hold spaces, so the counts are the last two fields. Malformed lines are an error naming the line.
 */
export function parseDiffFolded(text: string): DiffLine[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const match = /^(.*) (\d+) (\d+)$/.exec(line);
      if (!match) throw new Error(`differential folded file, line ${i + 1}: expected "path base target", got "${line.slice(0, 80)}"`);
      return { path: match[1]!.split(';'), base: Number(match[2]), target: Number(match[3]) };
    });
}

/**
 * The differential flame graph (Gregg): frame widths from one side (`widthFrom`: the target shows where time
 * goes now, the base shows what vanished), colour from `delta`, the change of the frame's share of all
 * samples. Shares rather than counts, so two profiles of different lengths compare fairly. Frames absent
 * on the side that gives widths are left out (zero width).
 */
export function diffTree(lines: readonly DiffLine[], widthFrom: 'target' | 'base'): FlameNode {
  const baseTotal = lines.reduce((sum, line) => sum + line.base, 0);
  const targetTotal = lines.reduce((sum, line) => sum + line.target, 0);
  const root: Builder = { name: 'all', value: 0, type: 'root', children: [], index: new Map(), base: 0, target: 0 };
  const add = (node: FlameNode, line: DiffLine) => {
    node.base! += line.base;
    node.target! += line.target;
  };
  for (const line of lines) {
    add(root, line);
    let node = root;
    for (const label of line.path) {
      const kernel = label.endsWith(KERNEL_SUFFIX);
      const name = kernel ? label.slice(0, -KERNEL_SUFFIX.length) : label;
      node = child(node, label, () => ({ name, value: 0, type: kernel ? 'kernel' : 'user', children: [], base: 0, target: 0 }));
      add(node, line);
    }
  }
  const share = (count: number, total: number) => (total === 0 ? 0 : count / total);
  const settle = (node: FlameNode): FlameNode | null => {
    const value = widthFrom === 'target' ? node.target! : node.base!;
    if (value === 0) return null;
    const children = node.children.map(settle).filter((c): c is FlameNode => c !== null);
    return { ...node, value, delta: share(node.target!, targetTotal) - share(node.base!, baseTotal), children };
  };
  return settle(finish(root)) ?? { name: 'all', value: 0, type: 'root', children: [], base: 0, target: 0, delta: 0 };
}

/** The largest |delta| among the frames: the end of the colour scale (0 when nothing changed). */
export function maxAbsDelta(node: FlameNode): number {
  return node.children.reduce((max, c) => Math.max(max, maxAbsDelta(c)), Math.abs(node.delta ?? 0));
}

/** One row of the top-functions table. Shares are fractions of the profile's samples. */
export interface FunctionRow {
  function: string;
  module: string | null;
  kernel: boolean;
  self: number;
  total: number;
  selfShare: number;
  totalShare: number;
}

/**
 * Every function of a profile with its self (innermost) and total (anywhere on the stack, once per stack)
 * samples — libs/results' own counting, as the API's comparison uses — sorted by self, then total.
 */
export function topFunctions(result: Pick<StacksResult, 'stacks'>): FunctionRow[] {
  const samples = sampleTotal(result.stacks);
  return [...functionCounts(result.stacks).values()]
    .map((fn) => ({
      function: fn.function,
      module: fn.module,
      kernel: isKernelFrame({ symbol: fn.function, module: fn.module ?? undefined }),
      self: fn.self,
      total: fn.total,
      selfShare: samples === 0 ? 0 : fn.self / samples,
      totalShare: samples === 0 ? 0 : fn.total / samples,
    }))
    .sort((a, b) => b.self - a.self || b.total - a.total || (a.function < b.function ? -1 : 1));
}
