import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  ValidateNested,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { HOST_NAME_PATTERN, LABEL_PATTERN } from '../../../../libs/contracts/src/index.js';
import { TOOL_CATALOG } from '../../../../libs/tools/src/catalog.js';
import { JOB_STATUSES, type JobStatus } from '../entities/job.entity.js';
import { RunResponseDto, RunSummaryDto } from './run.dto.js';

export class HostSelectorDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', pattern: LABEL_PATTERN.source },
    minProperties: 1,
    maxProperties: 20,
    example: { role: 'db' },
    description: 'Every label must match (GET /v1/hosts shows each host\'s labels).',
  })
  @IsObject()
  labels: Record<string, string>;
}

export class CreateJobDto {
  @ApiProperty({ maxLength: 64, example: 'execsnoop', description: 'A tool name from GET /v1/tools.' })
  @MaxLength(64)
  @IsString()
  tool: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', pattern: HOST_NAME_PATTERN.source },
    minItems: 1,
    maxItems: 1000,
    uniqueItems: true,
    example: ['web-1'],
    description:
      'Host names from GET /v1/hosts; one run per host. Exactly one of `hosts`, `selector`, `all`. A named host ' +
      'must be known and have what the tool needs (400 otherwise); an offline one gets its run when it comes back, ' +
      'within `dispatchTimeoutSec`.',
  })
  // class-validator checks the decorator nearest the property first; stopAtFirstError reports only that one.
  @ArrayUnique({ message: 'hosts must not contain duplicates' })
  @Matches(HOST_NAME_PATTERN, { each: true, message: 'each value in hosts must be a host name ([a-zA-Z0-9._-])' })
  @IsString({ each: true })
  @ArrayMaxSize(1000)
  @ArrayNotEmpty()
  @IsArray()
  @IsOptional()
  hosts?: string[];

  @ApiPropertyOptional({
    type: HostSelectorDto,
    description:
      'Every known host whose labels all match. Hosts offline at dispatch, or lacking what the tool needs, get a ' +
      '`skipped` run with the reason in `error`. Matching no host is a 400.',
  })
  @ValidateNested()
  @Type(() => HostSelectorDto)
  @IsObject()
  @IsOptional()
  selector?: HostSelectorDto;

  @ApiPropertyOptional({
    type: 'boolean',
    enum: [true],
    description: 'Every known host, with `skipped` runs as for `selector`.',
  })
  @IsIn([true], { message: 'all must be true (or absent)' })
  @IsOptional()
  all?: true;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 604800,
    description:
      'Seconds a run may wait for its agent; a run still queued then ends `expired`. Default ' +
      'BPFLEET_DISPATCH_TIMEOUT_SEC (300).',
  })
  @Max(604800)
  @Min(1)
  @IsInt()
  @IsOptional()
  dispatchTimeoutSec?: number;

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

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'How the hosts were chosen: `{ hosts }`, `{ selector }` or `{ all: true }` (null for jobs older than targeting).',
  })
  target: Record<string, unknown> | null;

  @ApiProperty({ type: 'integer' })
  dispatchTimeoutSec: number;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'The schedule that fired this job.' })
  scheduleId: string | null;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'The token that created it (GET /v1/tokens); null once deleted.' })
  createdBy: string | null;

  @ApiProperty({ type: [String], description: 'Its tags, sorted (POST /v1/jobs/:id/tags).', example: ['main'] })
  tags: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: [RunResponseDto] })
  runs: RunResponseDto[];
}

/**
 * What a tag may be: a short name such as `main`, `release/1.4` or `ci:nightly`. No spaces or commas, so a
 * tag reads the same in a URL path, a query and a CLI argument.
 */
export const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/+@-]{0,63}$/;
const TAG_RULE = 'a tag is 1-64 of [A-Za-z0-9._:/+@-], starting with a letter or digit';

export class TagJobDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'string', pattern: TAG_PATTERN.source, maxLength: 64 },
    minItems: 1,
    maxItems: 20,
    example: ['main'],
    description: 'Tags to add; tags the job already has are kept. A tag can name a baseline of a check.',
  })
  @Matches(TAG_PATTERN, { each: true, message: `each value in tags must be a tag (${TAG_RULE})` })
  @IsString({ each: true })
  @ArrayMaxSize(20)
  @ArrayNotEmpty()
  @IsArray()
  tags: string[];
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

  @ApiPropertyOptional({ pattern: TAG_PATTERN.source, description: 'Only jobs with this tag.', example: 'main' })
  @Matches(TAG_PATTERN, { message: `tag must be a tag (${TAG_RULE})` })
  @IsString()
  @IsOptional()
  tag?: string;

  @ApiPropertyOptional({ enum: [...TOOL_CATALOG.keys()], description: 'Only jobs of this tool.' })
  @IsIn([...TOOL_CATALOG.keys()], { message: `tool must be one of the tools of GET /v1/tools` })
  @IsString()
  @IsOptional()
  tool?: string;

  @ApiPropertyOptional({ pattern: HOST_NAME_PATTERN.source, description: 'Only jobs with a run on this host.' })
  @Matches(HOST_NAME_PATTERN, { message: 'host must be a host name ([a-zA-Z0-9._-])' })
  @IsString()
  @IsOptional()
  host?: string;

  @ApiPropertyOptional({ enum: JOB_STATUSES, description: 'Only jobs in this status.' })
  @IsIn(JOB_STATUSES)
  @IsString()
  @IsOptional()
  status?: JobStatus;
}

export class JobListResponseDto {
  @ApiProperty({ type: [JobResponseDto] })
  items: JobResponseDto[];

  @ApiProperty({ type: 'string', nullable: true, description: 'Pass as `cursor` for the next page; null on the last page.' })
  nextCursor: string | null;
}
