import type { ToolRunner } from '../../../libs/tools/src/definition.js';
import { loadTool } from '../../../libs/tools/src/runners.js';

/** The native side of the catalog (libbpf through koffi): kept behind a repository so the run logic is testable. */
export class ToolRunnerRepository {
  async get(tool: string): Promise<ToolRunner | undefined> {
    const implementation = await loadTool(tool);
    return implementation && ((ctx) => implementation.run(ctx));
  }
}
