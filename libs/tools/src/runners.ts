import type { ToolRunner } from './definition.js';
import { runExecsnoop } from './execsnoop/execsnoop.js';
import { runRunqlat } from './runqlat/runqlat.js';
import { runSyscount } from './syscount/syscount.js';

/**
 * The agent's side of the catalog: tool name → runner. Imports libs/bpf (native code through koffi,
 * loaded lazily): only the worker imports this module, never the API.
 */
export const TOOL_RUNNERS: ReadonlyMap<string, ToolRunner> = new Map<string, ToolRunner>([
  ['execsnoop', runExecsnoop],
  ['syscount', runSyscount],
  ['runqlat', runRunqlat],
]);
