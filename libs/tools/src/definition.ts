import type { Capability, ResultKind, RunStats, ToolResult } from '../../contracts/src/index.js';

/**
 * What the API knows of a tool: pure data, no native code, so the control plane can load the
 * whole catalog without libbpf. The agent pairs each definition with a {@link ToolRunner}.
 */
export interface ToolDefinition {
  name: string;
  description: string;
  resultKind: ResultKind;
  /** JSON Schema (draft 2020-12) of `params`; `additionalProperties: false` at every level. */
  paramsSchema: Record<string, unknown>;
  /** Kernel capabilities a host must report for this tool to run there. */
  requires: Capability[];
}

export interface ToolRunContext<P> {
  /** Already validated against the tool's schema. */
  params: P;
  durationMs: number;
  /** Aborted on cancel or agent shutdown: the run releases everything and returns what it has. */
  signal: AbortSignal;
  /** Called exactly once, when every probe is attached: the run is `running` from then on. */
  onAttached(): void;
}

export interface ToolRunOutput {
  result: ToolResult;
  stats: RunStats;
}

export type ToolRunner<P = any> = (ctx: ToolRunContext<P>) => Promise<ToolRunOutput>;
