import { Injectable } from '@nestjs/common';
import type { ToolRunner } from '../../../libs/tools/src/definition.js';
import { TOOL_RUNNERS } from '../../../libs/tools/src/runners.js';

/** The native side of the catalog (libbpf through koffi): kept behind a repository so the run logic is testable. */
@Injectable()
export class ToolRunnerRepository {
  get(tool: string): ToolRunner | undefined {
    return TOOL_RUNNERS.get(tool);
  }
}
