import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../dtos/error.dto.js';
import { UuidPipe } from '../middleware/uuid.pipe.js';
import { RetentionService } from '../services/retention.service.js';
import { ApiBearer } from '../utils/openapi.js';

@ApiTags('jobs')
@ApiBearer('admin')
@Controller('v1/jobs')
export class RetentionController {
  constructor(private readonly service: RetentionService) {}

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteJob',
    summary: 'Delete a finished job',
    description:
      'Deletes the job with its runs, their results and rows, its tags and its checks (a check that used it as ' +
      'baseline keeps its verdict). Only once every run has finished: cancel a job in progress first. ' +
      'Jobs are also deleted by the retention (BPFLEET_RETENTION_DAYS) unless tagged.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The job id, as POST /v1/jobs returned it.' })
  @ApiNoContentResponse({ description: 'The job is gone.' })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: '`id` is not a UUID.',
    example: { statusCode: 400, error: 'Bad Request', message: 'id: must be a UUID, got "42"', details: [{ field: 'id', message: 'must be a UUID, got "42"' }] },
  })
  @ApiNotFoundResponse({
    type: ErrorResponseDto,
    description: 'No job has this id.',
    example: { statusCode: 404, error: 'Not Found', message: 'job 0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10 not found' },
  })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'A run of the job is still queued or running; the message names the job status.',
    example: {
      statusCode: 409,
      error: 'Conflict',
      message: 'job 0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10 has not finished (status: running); cancel it first, or wait for it to end',
    },
  })
  delete(@Param('id', UuidPipe) id: string): Promise<void> {
    return this.service.deleteJob(id);
  }
}
