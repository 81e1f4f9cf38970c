import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { CheckListQueryDto, CheckListResponseDto, CheckResponseDto, CreateCheckDto } from '../dtos/check.dto.js';
import { ErrorResponseDto } from '../dtos/error.dto.js';
import { Auth, RequireScope } from '../middleware/auth.guard.js';
import { UuidPipe } from '../middleware/uuid.pipe.js';
import type { AuthContext } from '../services/auth.service.js';
import { CheckService } from '../services/check.service.js';
import { ApiBearer } from '../utils/openapi.js';

@ApiTags('checks')
@ApiBearer('read')
@Controller('v1/checks')
export class CheckController {
  constructor(private readonly service: CheckService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'createCheck',
    summary: 'Start a regression check',
    description:
      'Runs a candidate job (`tool`, `hosts`, `durationSec`, `params`, as POST /v1/jobs) or takes one already ' +
      'run (`candidate.jobId`), and when it ends compares it with the baseline under the thresholds: ' +
      '`verdict` pass, fail, or inconclusive when a threshold cannot be judged (no baseline, too few samples, ' +
      'a change over the limit that is not statistically significant). Never a silent pass.',
  })
  @ApiCreatedResponse({ type: CheckResponseDto, description: '`running` until the candidate ends; already `done` for a candidate that had ended.' })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description:
      'The message and `details` name the field: `baseline` (exactly one of jobId, tag), `baseline.jobId`, ' +
      '`candidate` (exclusive with tool, hosts, durationSec, params), `candidate.jobId`, `thresholds.<name>`, ' +
      'or a field of the candidate job as in POST /v1/jobs.',
    example: {
      statusCode: 400,
      error: 'Bad Request',
      message: 'thresholds.p42: unknown threshold for a histogram result; use p50, p90, p99, p999, max, mean or count',
      details: [{ field: 'thresholds.p42', message: 'unknown threshold for a histogram result; use p50, p90, p99, p999, max, mean or count' }],
    },
  })
  @RequireScope('run')
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description: 'The token lacks the `run` scope, or the candidate tool is admin-only and the token lacks `admin`.',
  })
  @ApiPayloadTooLargeResponse({ type: ErrorResponseDto, description: 'The body is over 1 MiB.' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorResponseDto, description: 'The body is not `application/json`.' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Redis did not take the candidate job.' })
  create(@Body() dto: CreateCheckDto, @Auth() auth: AuthContext): Promise<CheckResponseDto> {
    return this.service.create(dto, auth);
  }

  @Get()
  @ApiOperation({ operationId: 'listChecks', summary: 'List checks', description: 'Newest first, a page at a time.' })
  @ApiOkResponse({ type: CheckListResponseDto, description: 'One page of checks, newest first.' })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'The message and `details` name the offending query parameter: `limit`, `cursor`, or an unknown one.',
    example: {
      statusCode: 400,
      error: 'Bad Request',
      message: 'limit: must not be greater than 100',
      details: [{ field: 'limit', message: 'must not be greater than 100' }],
    },
  })
  list(@Query() query: CheckListQueryDto): Promise<CheckListResponseDto> {
    return this.service.list(query);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getCheck', summary: 'Get a check', description: 'Its status, verdict and one judgement per threshold.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The check id, as POST /v1/checks returned it.' })
  @ApiOkResponse({ type: CheckResponseDto, description: 'The check.' })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: '`id` is not a UUID.',
    example: { statusCode: 400, error: 'Bad Request', message: 'id: must be a UUID, got "42"', details: [{ field: 'id', message: 'must be a UUID, got "42"' }] },
  })
  @ApiNotFoundResponse({
    type: ErrorResponseDto,
    description: 'No check has this id.',
    example: { statusCode: 404, error: 'Not Found', message: 'check 0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10 not found' },
  })
  get(@Param('id', UuidPipe) id: string): Promise<CheckResponseDto> {
    return this.service.get(id);
  }
}
