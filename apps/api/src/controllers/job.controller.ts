import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
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
import { ErrorResponseDto } from '../dtos/error.dto.js';
import {
  CreateJobDto,
  JobCreatedResponseDto,
  JobListQueryDto,
  JobListResponseDto,
  JobResponseDto,
} from '../dtos/job.dto.js';
import { Auth } from '../middleware/auth.guard.js';
import { UuidPipe } from '../middleware/uuid.pipe.js';
import type { AuthContext } from '../services/auth.service.js';
import { JobService } from '../services/job.service.js';
import { ApiBearer } from '../utils/openapi.js';

const JOB_ID = { name: 'id', format: 'uuid', description: 'The job id, as POST /v1/jobs returned it.' } as const;

const badId = {
  statusCode: 400,
  error: 'Bad Request',
  message: 'id: must be a UUID, got "42"',
  details: [{ field: 'id', message: 'must be a UUID, got "42"' }],
};
const unknownJob = {
  statusCode: 404,
  error: 'Not Found',
  message: 'job 0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10 not found',
};

@ApiTags('jobs')
@ApiBearer()
@Controller('v1/jobs')
export class JobController {
  constructor(private readonly service: JobService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'createJob',
    summary: 'Start a job',
    description:
      "Validates the tool, hosts, duration and params (against the tool's paramsSchema, filling defaults), " +
      'records the job with one run per host and queues each run on its host. Offline hosts are accepted: ' +
      'their run starts when their agent comes back.',
  })
  @ApiCreatedResponse({ type: JobCreatedResponseDto, description: 'The job and one queued run per host.' })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description:
      'The message and `details` name the offending field: `tool`, `hosts`, `durationSec`, `params.<field>`, ' +
      'an unknown field, or `body` when the body is not a JSON object.',
    example: {
      statusCode: 400,
      error: 'Bad Request',
      message: 'params.pid: must be >= 1',
      details: [{ field: 'params.pid', message: 'must be >= 1' }],
    },
  })
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description: 'The tool is `adminOnly` (GET /v1/tools) and the token is not an admin token.',
    example: {
      statusCode: 403,
      error: 'Forbidden',
      message: 'tool "bpftrace" is admin-only: it runs a program the caller writes, with the agent\'s privileges; use an admin token',
    },
  })
  @ApiPayloadTooLargeResponse({ type: ErrorResponseDto, description: 'The body is over 1 MiB.' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorResponseDto, description: 'The body is not `application/json`.' })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'Redis did not take the job: it is recorded with its runs `failed`.',
  })
  create(@Body() dto: CreateJobDto, @Auth() auth: AuthContext): Promise<JobCreatedResponseDto> {
    return this.service.create(dto, auth);
  }

  @Get()
  @ApiOperation({ operationId: 'listJobs', summary: 'List jobs', description: 'Newest first, a page at a time.' })
  @ApiOkResponse({ type: JobListResponseDto, description: 'One page of jobs, newest first.' })
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
  list(@Query() query: JobListQueryDto): Promise<JobListResponseDto> {
    return this.service.list(query);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getJob', summary: 'Get a job', description: 'The job and every run, with its status.' })
  @ApiParam(JOB_ID)
  @ApiOkResponse({ type: JobResponseDto, description: 'The job.' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: '`id` is not a UUID.', example: badId })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No job has this id.', example: unknownJob })
  get(@Param('id', UuidPipe) id: string): Promise<JobResponseDto> {
    return this.service.get(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'cancelJob',
    summary: 'Cancel a job',
    description:
      'Stops every run that has not finished: queued runs are taken off their queue, running ones are ' +
      'signalled to their agent. Idempotent. Takes no body.',
  })
  @ApiParam(JOB_ID)
  @ApiOkResponse({
    type: JobResponseDto,
    description:
      'The job after the request: queued runs are `cancelled`; running runs stay `running` until their agent ' +
      'confirms. Cancelling a job that is already `cancelled` answers it again.',
  })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: '`id` is not a UUID (or a body was sent that is not a JSON object: send none).',
    example: badId,
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No job has this id.', example: unknownJob })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'Every run had already finished and none was cancelled; the message names the job status.',
    example: {
      statusCode: 409,
      error: 'Conflict',
      message:
        'job 0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10 already finished (status: succeeded); there is nothing left to cancel',
    },
  })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Redis did not take the cancellation; retry.' })
  cancel(@Param('id', UuidPipe) id: string): Promise<JobResponseDto> {
    return this.service.cancel(id);
  }
}
