import { Symbolizer, char, defineStruct, s32, u32, u64, type BpfMap, type BpfObject } from '../../../bpf/src/index.js';
import type { StackFrame, StacksResult } from '../../../contracts/src/index.js';
import type { Collector, MapLayouts } from './runner.js';

/** Mirrors `struct stack_key` of libs/bpf/include/stacks.bpf.h. */
export const StackKey = defineStruct({ pid: u32, tid: u32, user_stack_id: s32, kern_stack_id: s32, comm: char(16) });

/** The layouts of stacks.bpf.h's maps, for a stack tool's `layouts`. */
export const stackLayouts: Record<string, MapLayouts> = { counts: { key: StackKey, value: u64 } };

export type StackHalves = 'both' | 'user' | 'kernel';

/** The rodata of stacks.bpf.h: which halves of each stack the kernel collects. */
export function stackRodata(stack: StackHalves) {
  return { user_stacks: stack !== 'kernel', kernel_stacks: stack !== 'user' };
}

/** Stacks symbolized concurrently (see symbolizeCounts). */
const SYMBOLIZE_WINDOW = 256;

/** bpf_get_stackid's -EFAULT: the task had no such stack (a kernel thread's user half, a user-mode sample's kernel half). */
const STACK_ID_NONE = -14;

export interface StackCollection {
  unit: StacksResult['unit'];
  stack: StackHalves;
  /** Whether the kernel keys counts by thread (stack_key.tid): then each stack carries its `tid`. */
  perThread: boolean;
  /**
   * The kernel function a tracepoint program fires in (offcputime: `__schedule`): the kernel frames inner
   * to it are the BPF program and the tracing plumbing, which differ between kernels, and are dropped.
   */
  tracedKernelFunction?: string;
}

/**
 * The collector of a stack tool (stacks.bpf.h): while the probes are attached, snapshots the maps of every
 * process the kernel announces on `new_pids` (so a process that exits before the end is still symbolized);
 * at the end reads the `counts` map, symbolizes each distinct stack once, and returns the stacks sorted by
 * count descending, frames innermost first, kernel frames before user frames. A stack id that failed in
 * the kernel becomes one `[missing kernel stack]` / `[missing user stack]` frame (the kernel counted it in
 * `dropped`). Stats: `symbolizeMs`, `uniqueStacks`. Symbolizer warnings (e.g. no llvm-symbolizer) go to `note`.
 */
export function collectStacks(obj: BpfObject, options: StackCollection, resources: DisposableStack): Collector<StacksResult> {
  const warnings = new Set<string>();
  const symbolizer = resources.use(new Symbolizer({ onWarning: (message) => warnings.add(message) }));
  const snapshots: Promise<boolean>[] = [];
  const stats = { symbolizeMs: 0, uniqueStacks: 0 };
  const empty = (): StacksResult => ({ kind: 'stacks', unit: options.unit, stacks: [], total: 0 });
  return {
    // Snapshotting reads /proc/PID/maps before returning, while the process still lives.
    rings: { new_pids: (record) => void snapshots.push(symbolizer.snapshotMaps(record.readUInt32LE(0))) },
    empty,
    async collect() {
      await Promise.all(snapshots);
      const started = performance.now();
      const result = empty();
      result.stacks = await symbolizeCounts(obj, symbolizer, options);
      result.stacks.sort((a, b) => b.count - a.count || (a.pid ?? 0) - (b.pid ?? 0));
      result.total = result.stacks.reduce((sum, s) => sum + s.count, 0);
      if (warnings.size) result.note = `symbolization: ${[...warnings].slice(0, 3).join('; ')}`;
      stats.symbolizeMs = Math.round(performance.now() - started);
      stats.uniqueStacks = result.stacks.length;
      return result;
    },
    stats: () => ({ ...stats }),
  };
}

/** Every entry of `counts` as a stack, each distinct kernel stack and (process, user stack) symbolized once. */
async function symbolizeCounts(obj: BpfObject, symbolizer: Symbolizer, options: StackCollection): Promise<StacksResult['stacks']> {
  const stackmap = obj.map('stackmap');
  const halves = new Map<string, Promise<StackFrame[]>>();
  // One object per distinct frame, shared by every stack it appears in: a busy host's profile has tens of
  // thousands of stacks but far fewer distinct frames, and the result holds every stack until it is sent.
  const frames = new Map<string, StackFrame>();
  const intern = (list: StackFrame[]) =>
    list.map((f) => {
      const key = `${f.module}\0${f.symbol}\0${f.offset}`;
      let shared = frames.get(key);
      if (!shared) frames.set(key, (shared = f));
      return shared;
    });
  const once = (cacheKey: string, frames: () => Promise<StackFrame[]>) => {
    if (!halves.has(cacheKey)) halves.set(cacheKey, frames());
    return halves.get(cacheKey)!;
  };
  const kernelFrames = (id: number) =>
    once(`k${id}`, async () => fromTraced(await halfFrames(stackmap, id, 'kernel', (addrs) => symbolizer.symbolizeKernel(addrs)), options.tracedKernelFunction));
  const userFrames = (pid: number, id: number) => once(`u${pid}:${id}`, () => halfFrames(stackmap, id, 'user', (addrs) => symbolizer.symbolizeUser(pid, addrs)));
  const toStack = async ([k, v]: [Buffer, Buffer]) => {
    const key = StackKey.decode(k);
    const [kernel, user] = await Promise.all([
      options.stack === 'user' ? [] : kernelFrames(key.kern_stack_id),
      options.stack === 'kernel' ? [] : userFrames(key.pid, key.user_stack_id),
    ]);
    const stack: StacksResult['stacks'][number] = { frames: intern([...kernel, ...user]), pid: key.pid, comm: key.comm, count: Number(v.readBigUInt64LE(0)) };
    if (options.perThread) stack.tid = key.tid;
    return stack;
  };
  // A bounded number of stacks in flight: all of them at once (10k on a busy host) queue every lookup and its
  // promise together, which doubled the agent's peak memory; a window keeps llvm-symbolizer just as busy.
  const entries = [...obj.map('counts').entriesBatched()];
  const stacks: StacksResult['stacks'] = [];
  for (let at = 0; at < entries.length; at += SYMBOLIZE_WINDOW) stacks.push(...(await Promise.all(entries.slice(at, at + SYMBOLIZE_WINDOW).map(toStack))));
  return stacks;
}

/** The frames of one half of a stack: none when the task had no such stack, one marker when its id failed. */
async function halfFrames(
  stackmap: BpfMap,
  id: number,
  half: 'kernel' | 'user',
  symbolize: (addrs: bigint[]) => StackFrame[] | Promise<StackFrame[]>,
): Promise<StackFrame[]> {
  if (id === STACK_ID_NONE) return [];
  const addrs = stackmap.stack(id);
  if (!addrs) return [{ symbol: `[missing ${half} stack]` }];
  // Every frame but the innermost is a return address, which after a call at a function's very end (a
  // noreturn callee) is already in the next function: look up the call instruction, report the return address.
  const frames = await symbolize(addrs.map((a, i) => (i === 0 ? a : a - 1n)));
  return frames.map((f, i) => (i === 0 || f.offset === undefined ? f : { ...f, offset: f.offset + 1 }));
}

/** The frames from `traced` outwards; all of them when there is no such frame (or no `traced`). */
function fromTraced(frames: StackFrame[], traced: string | undefined): StackFrame[] {
  const at = traced === undefined ? -1 : frames.findIndex((f) => f.symbol === traced);
  return at < 0 ? frames : frames.slice(at);
}
