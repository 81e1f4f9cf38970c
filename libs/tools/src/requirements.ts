import type { Capability } from '../../contracts/src/index.js';
import type { ToolDefinition } from './definition.js';
import { validateParams } from './validate-params.js';

/**
 * The kernel capabilities every job of `tool` needs whatever its params: those its default params (when `{}`
 * is valid) and each of its examples all need. Some params need more (user stacks, a uprobe spec); a job's
 * own needs are `tool.requires(params)`, checked per host when it is created.
 */
export function commonRequirements(tool: ToolDefinition<any, any>): Capability[] {
  const candidates = [{}, ...tool.examples]
    .map((example) => structuredClone(example) as Record<string, unknown>)
    .filter((params) => validateParams(tool, params).length === 0);
  const [first, ...rest] = candidates.map((params) => new Set(tool.requires(params)));
  if (!first) return [];
  return [...first].filter((capability) => rest.every((needs) => needs.has(capability)));
}
