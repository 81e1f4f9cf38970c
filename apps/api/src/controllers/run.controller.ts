import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { ToolResult } from '../../../../libs/contracts/src/index.js';
import { ErrorResponseDto } from '../dtos/error.dto.js';
import { UuidPipe } from '../middleware/uuid.pipe.js';
import { RunService } from '../services/run.service.js';

@ApiTags('runs')
@ApiBearerAuth()
@Controller('v1/runs')
export class RunController {
  constructor(private readonly service: RunService) {}

  @Get(':id/result')
  @ApiOkResponse({
    description: 'The stored result: one of the kinds events | counts | histogram | stacks.',
    schema: {
      type: 'object',
      required: ['kind'],
      properties: { kind: { type: 'string', enum: ['events', 'counts', 'histogram', 'stacks'] } },
      additionalProperties: true,
    },
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown run, or no result yet (the message says its status).' })
  getResult(@Param('id', UuidPipe) id: string): Promise<ToolResult> {
    return this.service.getResult(id);
  }
}
