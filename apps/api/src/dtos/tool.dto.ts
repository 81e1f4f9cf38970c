import { ApiProperty } from '@nestjs/swagger';
import type { ResultKind } from '../../../../libs/contracts/src/index.js';

export class ToolResponseDto {
  @ApiProperty({ example: 'execsnoop' })
  name: string;

  @ApiProperty()
  description: string;

  @ApiProperty({
    enum: ['histogram', 'counts', 'stacks', 'events'],
    description: 'The kind of result with the default params; a param may change it, as its description says (tcpconnect `countOnly`: counts).',
  })
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
    description: 'Kernel capabilities every job of this tool needs on its host; some params need more (user stacks, uprobe specs), which job creation checks per host.',
  })
  requires: string[];

  @ApiProperty({
    description: 'Only an admin token may start a job of this tool (it runs a program the caller writes: bpftrace); others get 403.',
  })
  adminOnly: boolean;
}
