import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { HOST_NAME_PATTERN } from '../../../../libs/contracts/src/index.js';
import { JOB_STATUSES, type JobStatus } from '../entities/job.entity.js';
import { RunResponseDto, RunSummaryDto } from './run.dto.js';

export class CreateJobDto {
  @ApiProperty({ maxLength: 64, example: 'execsnoop', description: 'A tool name from GET /v1/tools.' })
  @MaxLength(64)
  @IsString()
  tool: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'string', pattern: HOST_NAME_PATTERN.source },
    minItems: 1,
    maxItems: 1000,
    uniqueItems: true,
    example: ['web-1'],
    description: 'Host names from GET /v1/hosts; one run per host.',
  })
  // class-validator checks the decorator nearest the property first; stopAtFirstError reports only that one.
  @ArrayUnique({ message: 'hosts must not contain duplicates' })
  @Matches(HOST_NAME_PATTERN, { each: true, message: 'each value in hosts must be a host name ([a-zA-Z0-9._-])' })
  @IsString({ each: true })
  @ArrayMaxSize(1000)
  @ArrayNotEmpty()
  @IsArray()
  hosts: string[];

  @ApiProperty({ type: 'integer', minimum: 1, example: 10, description: 'Seconds to trace; at most BPFLEET_MAX_DURATION_SEC (default 3600).' })
  @Min(1)
  @IsInt()
  durationSec: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    default: {},
    description: "The tool's parameters, validated against its paramsSchema; defaults are filled in.",
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;
}

export class JobCreatedResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: JOB_STATUSES })
  status: JobStatus;

  @ApiProperty({ type: [RunSummaryDto] })
  runs: RunSummaryDto[];
}

export class JobResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  tool: string;

  @ApiProperty({ enum: JOB_STATUSES })
  status: JobStatus;

  @ApiProperty({ type: 'integer', minimum: 1 })
  durationSec: number;

  @ApiProperty({ type: 'object', additionalProperties: true })
  params: Record<string, unknown>;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: [RunResponseDto] })
  runs: RunResponseDto[];
}

export class JobListQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20, description: 'Page size.' })
  @Max(100)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  limit?: number;

  @ApiPropertyOptional({ maxLength: 200, description: '`nextCursor` of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class JobListResponseDto {
  @ApiProperty({ type: [JobResponseDto] })
  items: JobResponseDto[];

  @ApiProperty({ type: 'string', nullable: true, description: 'Pass as `cursor` for the next page; null on the last page.' })
  nextCursor: string | null;
}
