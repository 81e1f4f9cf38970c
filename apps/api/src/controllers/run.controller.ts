import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { ToolResult } from '../../../../libs/contracts/src/index.js';
import { ErrorResponseDto } from '../dtos/error.dto.js';
import { RunResultQueryDto } from '../dtos/run.dto.js';
import { UuidPipe } from '../middleware/uuid.pipe.js';
import { RunService } from '../services/run.service.js';
import { ApiBearer } from '../utils/openapi.js';

@ApiTags('runs')
@ApiBearer('read')
@Controller('v1/runs')
export class RunController {
  constructor(private readonly service: RunService) {}

  @Get(':id/result')
  @ApiOperation({
    operationId: 'getRunResult',
    summary: 'Get a run result',
    description:
      'What the run measured on its host; a cancelled run keeps what it saw before it stopped. `format` ' +
      'exports it as a file (Content-Disposition names it).',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The run id, from the `runs` of its job.' })
  @ApiOkResponse({
    description: 'The stored result (one of the kinds events | counts | histogram | stacks), or its export in `format`.',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['kind'],
          properties: { kind: { type: 'string', enum: ['events', 'counts', 'histogram', 'stacks'] } },
          additionalProperties: true,
        },
      },
      'text/csv': { schema: { type: 'string' } },
      'text/plain': { schema: { type: 'string', description: 'folded stacks' } },
      'application/octet-stream': { schema: { type: 'string', format: 'binary', description: 'pprof (gzipped protobuf)' } },
    },
  })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: '`id` is not a UUID, or `format` is not one the result\'s kind exports as.',
    example: {
      statusCode: 400,
      error: 'Bad Request',
      message: 'id: must be a UUID, got "42"',
      details: [{ field: 'id', message: 'must be a UUID, got "42"' }],
    },
  })
  @ApiNotFoundResponse({
    type: ErrorResponseDto,
    description: 'Unknown run, or no result yet (the message says its status).',
    example: {
      statusCode: 404,
      error: 'Not Found',
      message: 'run 0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10 has no result yet (status: running)',
    },
  })
  async getResult(
    @Param('id', UuidPipe) id: string,
    @Query() query: RunResultQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ToolResult | string | Buffer> {
    if (query.format === undefined || query.format === 'json') return this.service.getResult(id);
    const file = await this.service.exportResult(id, query.format);
    reply.header('content-type', file.contentType);
    reply.header('content-disposition', `attachment; filename="${file.fileName}"`);
    return file.body;
  }
}
