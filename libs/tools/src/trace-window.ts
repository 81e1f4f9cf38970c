import { sleepOrAbort, type BpfObject } from '../../bpf/src/index.js';
import type { ToolRunContext } from './definition.js';

/**
 * Attaches every program of a loaded object (the links owned by `stack`), reports the run attached,
 * waits for the run's duration or its abort, then detaches: what the maps hold afterwards is a
 * consistent snapshot of exactly the traced window.
 */
export async function traceWindow(
  obj: BpfObject,
  stack: DisposableStack,
  ctx: ToolRunContext<unknown>,
): Promise<{ attachedAt: number; tracedMs: number }> {
  const links = obj.attachAll();
  for (const link of links) stack.use(link);
  const attachedAt = performance.now();
  ctx.onAttached();
  await sleepOrAbort(ctx.durationMs, ctx.signal);
  for (const link of links) link.close();
  return { attachedAt, tracedMs: performance.now() - attachedAt };
}
