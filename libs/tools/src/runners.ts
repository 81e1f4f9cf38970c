import { CATALOG } from './catalog.js';
import type { ToolImplementation } from './runtime/runner.js';

const loaded = new Map<string, Promise<ToolImplementation>>();

/**
 * The agent's side of the catalog: the runtime half of tool `name` (libbpf through koffi, loaded on first
 * use), or undefined for a tool the catalog does not list. Only the worker imports this module.
 */
export function loadTool(name: string): Promise<ToolImplementation> | undefined {
  const entry = CATALOG.find((e) => e.definition.name === name);
  if (!entry) return undefined;
  let tool = loaded.get(name);
  if (!tool) {
    tool = entry.load().then((module) => {
      if (module.default.definition !== entry.definition) throw new Error(`${name}: its runtime module implements another definition`);
      return module.default;
    });
    loaded.set(name, tool);
  }
  return tool;
}
