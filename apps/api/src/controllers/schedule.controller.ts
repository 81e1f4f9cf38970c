import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
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
import { JobListResponseDto } from '../dtos/job.dto.js';
import {
  CreateScheduleDto,
  ScheduleListResponseDto,
  SchedulePageQueryDto,
  ScheduleResponseDto,
  UpdateScheduleDto,
} from '../dtos/schedule.dto.js';
import { Auth } from '../middleware/auth.guard.js';
import { UuidPipe } from '../middleware/uuid.pipe.js';
import type { AuthContext } from '../services/auth.service.js';
import { ScheduleService } from '../services/schedule.service.js';
import { ApiBearer, ApiScope } from '../utils/openapi.js';

const SCHEDULE_ID = { name: 'id', format: 'uuid', description: 'The schedule id, as POST /v1/schedules returned it.' } as const;

const badId = {
  type: ErrorResponseDto,
  example: {
    statusCode: 400,
    error: 'Bad Request',
    message: 'id: must be a UUID, got "42"',
    details: [{ field: 'id', message: 'must be a UUID, got "42"' }],
  },
} as const;
const unknownSchedule = {
  type: ErrorResponseDto,
  description: 'No schedule has this id.',
  example: { statusCode: 404, error: 'Not Found', message: 'schedule 0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10 not found' },
} as const;
const redisAway = {
  type: ErrorResponseDto,
  description: 'Redis did not take the change of the schedule\'s timer: nothing was changed; retry.',
} as const;
const pageProblem = {
  statusCode: 400,
  error: 'Bad Request',
  message: 'limit: must not be greater than 100',
  details: [{ field: 'limit', message: 'must not be greater than 100' }],
};

@ApiTags('schedules')
@ApiBearer('read')
@Controller('v1/schedules')
export class ScheduleController {
  constructor(private readonly service: ScheduleService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'createSchedule',
    summary: 'Create a schedule',
    description:
      'At every tick of `cron` (read in `timezone`), one job is created from `job` as POST /v1/jobs would, linked to ' +
      'the schedule (`scheduleId`) and tagged with the schedule\'s tags and `schedule:<name>`. Exactly one job per ' +
      'tick whatever the number of API replicas; ticks missed while no API ran are not replayed (at most one late ' +
      'firing). Each firing runs with the role of the token that created the schedule.',
  })
  @ApiCreatedResponse({ type: ScheduleResponseDto, description: 'The schedule, enabled, with its next tick.' })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description:
      'The message and `details` name the field: `name`, `cron`, `timezone`, `tags`, a field of the job under ' +
      '`job.` (`job.tool`, `job.durationSec`, `job.params.<field>`, `job.hosts`/`job.selector`/`job.all`), an ' +
      'unknown field, or `body`. Nothing is written.',
    example: {
      statusCode: 400,
      error: 'Bad Request',
      message: 'cron: Constraint error, got value 61 expected range 0-59',
      details: [{ field: 'cron', message: 'Constraint error, got value 61 expected range 0-59' }],
    },
  })
  @ApiScope('admin')
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'Another schedule has this name.',
    example: { statusCode: 409, error: 'Conflict', message: 'a schedule named "nightly-db-runqlat" already exists' },
  })
  @ApiPayloadTooLargeResponse({ type: ErrorResponseDto, description: 'The body is over 1 MiB.' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorResponseDto, description: 'The body is not `application/json`.' })
  @ApiServiceUnavailableResponse(redisAway)
  create(@Body() dto: CreateScheduleDto, @Auth() auth: AuthContext): Promise<ScheduleResponseDto> {
    return this.service.create(dto, auth);
  }

  @Get()
  @ApiOperation({ operationId: 'listSchedules', summary: 'List schedules', description: 'Newest first, a page at a time.' })
  @ApiOkResponse({ type: ScheduleListResponseDto, description: 'One page of schedules, newest first.' })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'The message and `details` name the offending query parameter: `limit`, `cursor`, or an unknown one.',
    example: pageProblem,
  })
  list(@Query() query: SchedulePageQueryDto): Promise<ScheduleListResponseDto> {
    return this.service.list(query);
  }

  @Get(':id')
  @ApiOperation({
    operationId: 'getSchedule',
    summary: 'Get a schedule',
    description: 'Its definition, its next tick, and what its last firing did (`lastFiredAt`, `lastError`).',
  })
  @ApiParam(SCHEDULE_ID)
  @ApiOkResponse({ type: ScheduleResponseDto, description: 'The schedule.' })
  @ApiBadRequestResponse({ ...badId, description: '`id` is not a UUID.' })
  @ApiNotFoundResponse(unknownSchedule)
  get(@Param('id', UuidPipe) id: string): Promise<ScheduleResponseDto> {
    return this.service.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    operationId: 'updateSchedule',
    summary: 'Change a schedule',
    description:
      'Replaces the fields given: `cron`, `timezone`, `enabled`, `job` (as a whole), `tags`. A new cron or zone, ' +
      'or re-enabling, counts the next tick from now; `enabled: false` stops the firings at once.',
  })
  @ApiParam(SCHEDULE_ID)
  @ApiOkResponse({ type: ScheduleResponseDto, description: 'The schedule after the change.' })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description:
      '`id` is not a UUID, no field was given (`body`), or the message and `details` name the bad field as for ' +
      'POST /v1/schedules. Nothing is changed.',
    example: {
      statusCode: 400,
      error: 'Bad Request',
      message: 'body: give at least one of cron, timezone, enabled, job, tags',
      details: [{ field: 'body', message: 'give at least one of cron, timezone, enabled, job, tags' }],
    },
  })
  @ApiScope('admin')
  @ApiNotFoundResponse(unknownSchedule)
  @ApiPayloadTooLargeResponse({ type: ErrorResponseDto, description: 'The body is over 1 MiB.' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorResponseDto, description: 'The body is not `application/json`.' })
  @ApiServiceUnavailableResponse(redisAway)
  update(@Param('id', UuidPipe) id: string, @Body() dto: UpdateScheduleDto, @Auth() auth: AuthContext): Promise<ScheduleResponseDto> {
    return this.service.update(id, dto, auth);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteSchedule',
    summary: 'Delete a schedule',
    description: 'Removes the schedule and its timer. Its jobs stay (their `scheduleId` becomes null; the `schedule:<name>` tag stays).',
  })
  @ApiParam(SCHEDULE_ID)
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiBadRequestResponse({ ...badId, description: '`id` is not a UUID.' })
  @ApiScope('admin')
  @ApiNotFoundResponse(unknownSchedule)
  @ApiServiceUnavailableResponse(redisAway)
  delete(@Param('id', UuidPipe) id: string): Promise<void> {
    return this.service.delete(id);
  }

  @Get(':id/jobs')
  @ApiOperation({
    operationId: 'listScheduleJobs',
    summary: "List a schedule's jobs",
    description: 'The jobs its firings made, newest first, a page at a time.',
  })
  @ApiParam(SCHEDULE_ID)
  @ApiOkResponse({ type: JobListResponseDto, description: 'One page of its jobs, newest first.' })
  @ApiBadRequestResponse({
    ...badId,
    description: 'The message and `details` name the offending parameter: `id`, `limit`, `cursor`, or an unknown one.',
  })
  @ApiNotFoundResponse(unknownSchedule)
  jobs(@Param('id', UuidPipe) id: string, @Query() query: SchedulePageQueryDto): Promise<JobListResponseDto> {
    return this.service.jobs(id, query);
  }
}
