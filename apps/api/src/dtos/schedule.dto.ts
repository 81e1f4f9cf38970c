import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CreateJobDto, TAG_PATTERN } from './job.dto.js';

/**
 * A schedule's name: short enough that the tag naming it on every job it makes (`schedule:<name>`) is a
 * valid tag (TAG_PATTERN, 64 characters at most).
 */
export const SCHEDULE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,54}$/;
/** Tags starting with this are the API's: each job a schedule makes carries `schedule:<name>`. */
export const SCHEDULE_TAG_PREFIX = 'schedule:';
const MAX_SCHEDULE_TAGS = 20;

const CRON_DESCRIPTION =
  "BullMQ's cron syntax (the cron-parser library): 5 fields `minute hour day-of-month month day-of-week`, or 6 " +
  'with a leading `second` field (`*/10 * * * * *` = every 10 seconds); `*`, `?`, `,`, `-`, `/`, `L`, `#`, ' +
  '`MON`-style and `JAN`-style names. No `@daily`-style shorthands, no `H` (random). Read in `timezone`.';
const TIMEZONE_DESCRIPTION = 'IANA time zone the cron is read in (daylight saving time included). Default `UTC`.';
const TAGS_DESCRIPTION =
  `Tags every job of the schedule gets, besides \`${SCHEDULE_TAG_PREFIX}<name>\` (tags starting with ` +
  `\`${SCHEDULE_TAG_PREFIX}\` are reserved).`;
const JOB_DESCRIPTION =
  'The job each firing creates, as POST /v1/jobs takes it. Checked now for everything that does not depend on the ' +
  'fleet (tool, access, duration, params, exactly one of hosts/selector/all); hosts are chosen at each firing.';

const tagsProperty = {
  type: 'array',
  items: { type: 'string', pattern: TAG_PATTERN.source, maxLength: 64 },
  maxItems: MAX_SCHEDULE_TAGS,
  uniqueItems: true,
  example: ['nightly'],
  description: TAGS_DESCRIPTION,
} as const;

export class CreateScheduleDto {
  @ApiProperty({
    pattern: SCHEDULE_NAME_PATTERN.source,
    maxLength: 55,
    example: 'nightly-db-runqlat',
    description: 'Unique among schedules.',
  })
  @Matches(SCHEDULE_NAME_PATTERN, { message: 'name must be 1-55 of [A-Za-z0-9._-], starting with a letter or digit' })
  @IsString()
  name: string;

  @ApiProperty({ maxLength: 120, example: '0 0 2 * * *', description: CRON_DESCRIPTION })
  @MaxLength(120)
  @IsString()
  cron: string;

  @ApiPropertyOptional({ maxLength: 64, default: 'UTC', example: 'Europe/Paris', description: TIMEZONE_DESCRIPTION })
  @MaxLength(64)
  @IsString()
  @IsOptional()
  timezone?: string;

  @ApiProperty({ type: CreateJobDto, description: JOB_DESCRIPTION })
  @ValidateNested()
  @Type(() => CreateJobDto)
  @IsObject()
  job: CreateJobDto;

  @ApiPropertyOptional(tagsProperty)
  @ArrayUnique({ message: 'tags must not contain duplicates' })
  @Matches(TAG_PATTERN, { each: true, message: 'each value in tags must be a tag (see POST /v1/jobs/:id/tags)' })
  @IsString({ each: true })
  @ArrayMaxSize(MAX_SCHEDULE_TAGS)
  @IsArray()
  @IsOptional()
  tags?: string[];
}

/** PATCH /v1/schedules/:id: every field given replaces the stored one; at least one must be given. */
export class UpdateScheduleDto {
  @ApiPropertyOptional({ maxLength: 120, example: '0 30 2 * * *', description: CRON_DESCRIPTION })
  @MaxLength(120)
  @IsString()
  @IsOptional()
  cron?: string;

  @ApiPropertyOptional({ maxLength: 64, example: 'Europe/Paris', description: TIMEZONE_DESCRIPTION })
  @MaxLength(64)
  @IsString()
  @IsOptional()
  timezone?: string;

  @ApiPropertyOptional({ description: 'false stops the firings (the schedule and its jobs stay); true resumes them.' })
  @IsBoolean()
  @IsOptional()
  enabled?: boolean;

  @ApiPropertyOptional({ type: CreateJobDto, description: `${JOB_DESCRIPTION} Replaces the stored job as a whole.` })
  @ValidateNested()
  @Type(() => CreateJobDto)
  @IsObject()
  @IsOptional()
  job?: CreateJobDto;

  @ApiPropertyOptional({ ...tagsProperty, description: `${TAGS_DESCRIPTION} Replaces the stored tags.` })
  @ArrayUnique({ message: 'tags must not contain duplicates' })
  @Matches(TAG_PATTERN, { each: true, message: 'each value in tags must be a tag (see POST /v1/jobs/:id/tags)' })
  @IsString({ each: true })
  @ArrayMaxSize(MAX_SCHEDULE_TAGS)
  @IsArray()
  @IsOptional()
  tags?: string[];
}

export class ScheduleResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'nightly-db-runqlat' })
  name: string;

  @ApiProperty({ example: '0 0 2 * * *' })
  cron: string;

  @ApiProperty({ example: 'UTC' })
  timezone: string;

  @ApiProperty()
  enabled: boolean;

  @ApiProperty({ type: CreateJobDto, description: 'The job each firing creates, params with their defaults filled in.' })
  job: CreateJobDto;

  @ApiProperty({ type: [String], description: "The schedule's own tags." })
  tags: string[];

  @ApiProperty({
    type: [String],
    example: ['nightly', 'schedule:nightly-db-runqlat'],
    description: 'The tags each job of the schedule gets: its tags plus `schedule:<name>` (GET /v1/jobs?tag=…).',
  })
  jobTags: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'The tick of the last firing handled (null before the first).',
  })
  lastFiredAt: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description:
      'Why the last firing made no job (e.g. `job.selector: no host has the labels role=db …`), or made one Redis did not ' +
      'take; null when it made its job.',
  })
  lastError: string | null;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'The next tick of the cron after now; null while disabled.',
  })
  nextFireAt: string | null;
}

export class SchedulePageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20, description: 'Page size.' })
  @Max(100)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  limit?: number;

  @ApiPropertyOptional({ maxLength: 200, description: '`nextCursor` of the previous page.' })
  @MaxLength(200)
  @IsString()
  @IsOptional()
  cursor?: string;
}

export class ScheduleListResponseDto {
  @ApiProperty({ type: [ScheduleResponseDto] })
  items: ScheduleResponseDto[];

  @ApiProperty({ type: 'string', nullable: true, description: 'Pass as `cursor` for the next page; null on the last page.' })
  nextCursor: string | null;
}
