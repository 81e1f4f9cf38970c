import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { ToolResult } from '../../../../libs/contracts/src/index.js';
import { ErrorResponseDto } from '../dtos/error.dto.js';
import { RunResultQueryDto } from '../dtos/run.dto.js';
import { UuidPipe } from '../middleware/uuid.pipe.js';
import { RunService } from '../services/run.service.js';
import { invalidField } from '../utils/errors.js';
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
      'exports it as a file (Content-Disposition names it). An events result comes a page of rows at a time ' +
      '(`limit`, `cursor`: pass `nextCursor` until it is null), also while the run still streams its rows ' +
      '(`complete` false, `columns` empty until the run ends); `format=csv|ndjson` streams all its rows.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The run id, from the `runs` of its job.' })
  @ApiOkResponse({
    description: 'The stored result (one of the kinds events | counts | histogram | stacks), or its export in `format`.',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['kind'],
          properties: {
            kind: { type: 'string', enum: ['events', 'counts', 'histogram', 'stacks'] },
            complete: { type: 'boolean', description: 'Events: false while more rows may come (the run goes on, or chunks are on their way).' },
            nextCursor: { type: ['string', 'null'], description: 'Events: the `cursor` of the next page; null once every row was given.' },
          },
          additionalProperties: true,
        },
      },
      'text/csv': { schema: { type: 'string' } },
      'application/x-ndjson': { schema: { type: 'string', description: 'events: one JSON object per row, one per line' } },
      'text/plain': { schema: { type: 'string', description: 'folded stacks' } },
      'application/octet-stream': { schema: { type: 'string', format: 'binary', description: 'pprof (gzipped protobuf)' } },
    },
  })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description:
      '`id` is not a UUID, `format` is not one the result\'s kind exports as, `limit` is out of range, `cursor` is not ' +
      'one this endpoint returned, or `limit`/`cursor` were given for a result that is not events or with `format` csv or ndjson.',
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
  ): Promise<ToolResult | string | Buffer | Readable> {
    const { format = 'json', limit, cursor } = query;
    if (format === 'json') {
      const result = await this.service.getResult(id, { limit, cursor });
      if (!('json' in result)) return result;
      reply.header('content-type', 'application/json; charset=utf-8');
      return result.json;
    }
    for (const [field, value] of [['limit', limit], ['cursor', cursor]] as const) {
      if (value !== undefined) throw invalidField(field, `pages format=json; format=${format} gives the whole result`);
    }
    const file = await this.service.exportResult(id, format);
    reply.header('content-type', file.contentType);
    reply.header('content-disposition', `attachment; filename="${file.fileName}"`);
    return file.body;
  }
}
