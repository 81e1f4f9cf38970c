import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
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

@ApiTags('jobs')
@ApiBearerAuth()
@Controller('v1/jobs')
export class JobController {
  constructor(private readonly service: JobService) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: JobCreatedResponseDto, description: 'The job and one queued run per host.' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'The message names the offending field.' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Redis did not take the job.' })
  create(@Body() dto: CreateJobDto, @Auth() auth: AuthContext): Promise<JobCreatedResponseDto> {
    return this.service.create(dto, auth);
  }

  @Get()
  @ApiOkResponse({ type: JobListResponseDto, description: 'Newest first.' })
  list(@Query() query: JobListQueryDto): Promise<JobListResponseDto> {
    return this.service.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: JobResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param('id', UuidPipe) id: string): Promise<JobResponseDto> {
    return this.service.get(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({
    type: JobResponseDto,
    description:
      'The job after the request: queued runs are `cancelled`; running runs stay `running` until their agent ' +
      'confirms. Cancelling a job that is already `cancelled` answers it again.',
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: '`id` is not a UUID.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Every run had already finished (and none was cancelled).' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Redis did not take the cancellation; retry.' })
  cancel(@Param('id', UuidPipe) id: string): Promise<JobResponseDto> {
    return this.service.cancel(id);
  }
}
