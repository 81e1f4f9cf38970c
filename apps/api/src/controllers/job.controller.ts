import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
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
  TagJobDto,
} from '../dtos/job.dto.js';
import { Auth, RequireScope } from '../middleware/auth.guard.js';
import { UuidPipe } from '../middleware/uuid.pipe.js';
import type { AuthContext } from '../services/auth.service.js';
import { CompareService } from '../services/compare.service.js';
import { JobService } from '../services/job.service.js';
import { ApiBearer, ApiScope } from '../utils/openapi.js';

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
@ApiBearer('read')
@Controller('v1/jobs')
export class JobController {
  constructor(
    private readonly service: JobService,
    private readonly compareService: CompareService,
  ) {}

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
  @RequireScope('run')
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description:
      'The token lacks the `run` scope, or the tool is `adminOnly` (GET /v1/tools) and the token lacks `admin`.',
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
  @ApiScope('run')
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

  @Post(':id/stop')
  @ApiScope('run')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'stopJob',
    summary: 'Stop a job now, keeping its results',
    description:
      'Ends the trace window of every running run now: unlike cancel, each run ends `succeeded` with what ' +
      'it saw, its `stats.tracedMs` the time it really traced. Runs still queued observed nothing and are ' +
      'cancelled. The CLI uses it to trace exactly as long as a workload command runs. Idempotent while the ' +
      'runs end. Takes no body.',
  })
  @ApiParam(JOB_ID)
  @ApiOkResponse({
    type: JobResponseDto,
    description: 'The job after the request: running runs stay `running` until their agent reports, within a second or so.',
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: '`id` is not a UUID.', example: badId })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No job has this id.', example: unknownJob })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'Every run had already finished; the message names the job status.',
    example: {
      statusCode: 409,
      error: 'Conflict',
      message: 'job 0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10 already finished (status: succeeded); there is nothing left to stop',
    },
  })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Redis did not take the request; retry.' })
  stop(@Param('id', UuidPipe) id: string): Promise<JobResponseDto> {
    return this.service.stop(id);
  }

  @Post(':id/tags')
  @ApiScope('run')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'tagJob',
    summary: 'Tag a job',
    description:
      'Adds tags to the job (idempotent). A tag names a baseline: `{ "tag": "main" }` in a check means the ' +
      'latest succeeded job with that tag, of the same tool, on the same hosts.',
  })
  @ApiParam(JOB_ID)
  @ApiOkResponse({ type: JobResponseDto, description: 'The job with its tags.' })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: '`id` is not a UUID, or `tags` is missing, empty, over 20 or holds something that is not a tag.',
    example: {
      statusCode: 400,
      error: 'Bad Request',
      message: 'tags: each value in tags must be a tag (a tag is 1-64 of [A-Za-z0-9._:/+@-], starting with a letter or digit)',
      details: [{ field: 'tags', message: 'each value in tags must be a tag (a tag is 1-64 of [A-Za-z0-9._:/+@-], starting with a letter or digit)' }],
    },
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No job has this id.', example: unknownJob })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorResponseDto, description: 'The body is not `application/json`.' })
  tag(@Param('id', UuidPipe) id: string, @Body() dto: TagJobDto): Promise<JobResponseDto> {
    return this.service.addTags(id, dto);
  }

  @Delete(':id/tags/:tag')
  @ApiScope('run')
  @ApiOperation({ operationId: 'untagJob', summary: 'Remove a tag from a job' })
  @ApiParam(JOB_ID)
  @ApiParam({ name: 'tag', description: 'The tag to remove (URL-encoded: `release%2F1.4`).' })
  @ApiOkResponse({ type: JobResponseDto, description: 'The job with its remaining tags.' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: '`id` is not a UUID, or `tag` is not a tag.', example: badId })
  @ApiNotFoundResponse({
    type: ErrorResponseDto,
    description: 'No job has this id, or the job has no such tag.',
    example: { statusCode: 404, error: 'Not Found', message: 'job 0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10 has no tag "main"' },
  })
  untag(@Param('id', UuidPipe) id: string, @Param('tag') tag: string): Promise<JobResponseDto> {
    return this.service.removeTag(id, tag);
  }

  @Get(':id/outliers')
  @ApiOperation({
    operationId: 'getJobOutliers',
    summary: 'Find the hosts that differ most',
    description:
      "For a job over several hosts: how far each host's result is from the other hosts' results merged " +
      '(leave-one-out), most different first, with the figure that shows it. Needs at least 3 succeeded runs.',
  })
  @ApiParam(JOB_ID)
  @ApiOkResponse({
    description: 'Hosts by score, most different first.',
    schema: {
      type: 'object',
      required: ['jobId', 'tool', 'metric', 'hosts'],
      properties: {
        jobId: { type: 'string', format: 'uuid' },
        tool: { type: 'string' },
        metric: { type: 'string', description: 'What `value`, `restValue` and `score` measure.' },
        note: { type: 'string', description: 'Why there is no ranking (fewer than 3 succeeded runs).' },
        hosts: {
          type: 'array',
          items: {
            type: 'object',
            required: ['host', 'score', 'value', 'restValue', 'why'],
            properties: {
              host: { type: 'string' },
              score: { type: 'number', description: 'Distance from the rest; 0 = like the rest.' },
              value: { type: 'number', nullable: true, description: "The host's figure." },
              restValue: { type: 'number', nullable: true, description: 'The same figure for the other hosts merged.' },
              why: { type: 'string' },
            },
          },
        },
      },
    },
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: '`id` is not a UUID.', example: badId })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No job has this id.', example: unknownJob })
  outliers(@Param('id', UuidPipe) id: string): Promise<unknown> {
    return this.compareService.outliers(id);
  }
}
