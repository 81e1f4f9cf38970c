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
}
