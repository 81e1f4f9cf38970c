import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { COMPARISON_SCHEMA } from '../dtos/compare-response.schema.js';
import { CompareQueryDto } from '../dtos/compare.dto.js';
import { ErrorResponseDto } from '../dtos/error.dto.js';
import { CompareService } from '../services/compare.service.js';
import { ApiBearer } from '../utils/openapi.js';

@ApiTags('compare')
@ApiBearer('read')
@Controller('v1/compare')
export class CompareController {
  constructor(private readonly service: CompareService) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    operationId: 'compare',
    summary: 'Compare two runs or jobs',
    description:
      'Compares `target` with `base` (runs or jobs of the same tool; a job means its succeeded runs merged). ' +
      'Histograms: both summaries, percentile deltas and a distribution-shift test; counts: per-key deltas ' +
      'sorted by |delta|, keys that appeared or vanished; stacks: per-function self and total, top regressed ' +
      'first; events: counts by the `by` column. When the jobs asked for different durations, values are ' +
      'per-second rates over the traced time (`normalized: true`).',
  })
  @ApiOkResponse({
    description: 'The comparison (JSON), or with `format=folded` the differential folded file (text/plain).',
    content: {
      'application/json': { schema: COMPARISON_SCHEMA },
      'text/plain': { schema: { type: 'string', example: 'app;main;work_[k] 120 240\n' } },
    },
  })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'A query parameter is wrong (`base`, `target`, `by`, `format`), or the two are not comparable (other tool, other kind).',
    example: {
      statusCode: 400,
      error: 'Bad Request',
      message: 'target: is a syscount result and base a runqlat one: compare runs of the same tool',
      details: [{ field: 'target', message: 'is a syscount result and base a runqlat one: compare runs of the same tool' }],
    },
  })
  @ApiNotFoundResponse({
    type: ErrorResponseDto,
    description: 'No run or job has this id.',
    example: { statusCode: 404, error: 'Not Found', message: 'base: no run or job has id 0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10' },
  })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'The run or job has no result yet (still running, or failed).',
    example: {
      statusCode: 409,
      error: 'Conflict',
      message: 'target: run 0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10 has no result to compare (status: running)',
    },
  })
  async compare(@Query() query: CompareQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    if (query.format === 'folded') {
      reply.header('content-type', 'text/plain; charset=utf-8');
      return this.service.folded(query);
    }
    const { comparison, tool, sources } = await this.service.compare(query);
    return { tool, ...comparison, sources };
  }
}
