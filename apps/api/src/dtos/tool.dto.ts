import { ApiProperty } from '@nestjs/swagger';
import type { ResultKind } from '../../../../libs/contracts/src/index.js';

export class ToolResponseDto {
  @ApiProperty({ example: 'execsnoop' })
  name: string;

  @ApiProperty()
  description: string;

  @ApiProperty({ enum: ['histogram', 'counts', 'stacks', 'events'] })
  resultKind: ResultKind;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'JSON Schema (2020-12) of the job `params`.' })
  paramsSchema: Record<string, unknown>;

  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'Example `params` (each valid against paramsSchema), e.g. to prefill a new-job form.',
  })
  examples: Record<string, unknown>[];

  @ApiProperty({
    type: 'array',
    items: { type: 'string' },
    description: 'Kernel capabilities a host needs for this tool with its default params (some params need more, e.g. user stacks).',
  })
  requires: string[];
}
