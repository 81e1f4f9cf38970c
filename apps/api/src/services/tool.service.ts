import { Injectable } from '@nestjs/common';
import { TOOL_CATALOG } from '../../../../libs/tools/src/catalog.js';
import type { ToolDefinition } from '../../../../libs/tools/src/definition.js';
import { commonRequirements } from '../../../../libs/tools/src/requirements.js';
import type { ToolResponseDto } from '../dtos/tool.dto.js';

@Injectable()
export class ToolService {
  list(): ToolResponseDto[] {
    return [...TOOL_CATALOG.values()].map((tool) => ({
      name: tool.name,
      description: tool.description,
      resultKind: tool.resultKind,
      paramsSchema: tool.paramsSchema,
      examples: tool.examples as Record<string, unknown>[],
      requires: commonRequirements(tool),
      adminOnly: tool.adminOnly,
    }));
  }

  get(name: string): ToolDefinition | undefined {
    return TOOL_CATALOG.get(name);
  }
}
