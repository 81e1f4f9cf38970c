import type { ToolDefinition } from './definition.js';
import type { ToolImplementation } from './runtime/runner.js';
import { execsnoop } from './execsnoop/execsnoop.schema.js';
import { runqlat } from './runqlat/runqlat.schema.js';
import { syscount } from './syscount/syscount.schema.js';

/** One catalog entry: the pure definition, and how to load its runtime half (native: the agent only). */
interface CatalogEntry<D extends ToolDefinition<any, any>> {
  definition: D;
  load: () => Promise<{ default: ToolImplementation<D> }>;
}

const tool = <D extends ToolDefinition<any, any>>(definition: D, load: CatalogEntry<D>['load']): CatalogEntry<D> => ({ definition, load });

/**
 * Every tool bpfleet offers, listed once: adding a tool is its folder plus one line here. The runtime
 * half is imported lazily, so importing the catalog (as the API does) loads no native code; the types
 * tie each runtime module to its own definition.
 */
export const CATALOG: readonly CatalogEntry<any>[] = [
  tool(execsnoop, () => import('./execsnoop/execsnoop.js')),
  tool(syscount, () => import('./syscount/syscount.js')),
  tool(runqlat, () => import('./runqlat/runqlat.js')),
];

/** Every tool's definition, by name. Pure data: safe to import from the API. */
export const TOOL_CATALOG: ReadonlyMap<string, ToolDefinition<any, any>> = new Map(CATALOG.map((e) => [e.definition.name, e.definition]));
