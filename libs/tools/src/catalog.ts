import type { ToolDefinition } from './definition.js';
import { execsnoop } from './execsnoop/execsnoop.schema.js';
import { runqlat } from './runqlat/runqlat.schema.js';
import { syscount } from './syscount/syscount.schema.js';

/** Every tool bpfleet offers, by name. Pure data: safe to import from the API. */
export const TOOL_CATALOG: ReadonlyMap<string, ToolDefinition> = new Map(
  [execsnoop, syscount, runqlat].map((tool) => [tool.name, tool]),
);
