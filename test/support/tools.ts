/** Runs catalog tools in-process (the agent's own code path, minus the queue) for library-level kernel tests. */
import { expect } from 'vitest';
import type { ParamsOf, ToolDefinition, ToolRunOutput } from '../../libs/tools/src/definition.js';
import type { ResultOfTool, ToolImplementation } from '../../libs/tools/src/runtime/runner.js';
import { validateParams } from '../../libs/tools/src/validate-params.js';
import { startGated } from './workload.js';

type AnyTool = ToolDefinition<any, any>;

/**
 * Validates `params` as the API and the agent do (defaults filled in; invalid params fail the test),
 * then runs the tool for `durationMs` or until `signal` aborts.
 */
export async function runTool<D extends AnyTool>(
  tool: ToolImplementation<D>,
  params: Partial<ParamsOf<D>>,
  options: { durationMs?: number; signal?: AbortSignal; onAttached?: () => void } = {},
): Promise<ToolRunOutput<ResultOfTool<D>>> {
  const effective = structuredClone(params) as Record<string, unknown>;
  expect(validateParams(tool.definition, effective)).toEqual([]);
  const out = await tool.run({
    params: effective as ParamsOf<D>,
    durationMs: options.durationMs ?? 1000,
    signal: options.signal ?? new AbortController().signal,
    onAttached: options.onAttached ?? (() => {}),
  });
  expect(out.result.kind).toBe(tool.definition.resultKindOf(effective));
  return out;
}

/**
 * The ground-truth harness: starts `file args…` blocked on stdin, traces it with `params(pid)`, lets it
 * go once every probe is attached, and stops tracing when it exits (so the run covers exactly its work).
 * Asserts it exited 0 and the run attached once.
 */
export async function traceWorkload<D extends AnyTool>(
  tool: ToolImplementation<D>,
  workload: { file: string; args?: string[]; cpu?: number },
  params: (pid: number) => Partial<ParamsOf<D>>,
  options: { maxMs?: number; expectedExit?: number } = {},
): Promise<ToolRunOutput<ResultOfTool<D>> & { pid: number }> {
  const child = startGated(workload.file, workload.args ?? [], { cpu: workload.cpu });
  // taskset execs the workload in place: let the exec happen before the pid is traced.
  if (workload.cpu !== undefined) await new Promise((r) => setTimeout(r, 100));
  const ac = new AbortController();
  let attached = 0;
  try {
    const out = await runTool(tool, params(child.pid), {
      durationMs: options.maxMs ?? 30_000,
      signal: ac.signal,
      onAttached: () => {
        attached++;
        child.go();
        void child.exited.then(() => ac.abort());
      },
    });
    expect(await child.exited, `the workload's exit (signal: ${child.signal})`).toBe(options.expectedExit ?? 0);
    expect(attached).toBe(1);
    return { ...out, pid: child.pid };
  } finally {
    child.kill();
  }
}
