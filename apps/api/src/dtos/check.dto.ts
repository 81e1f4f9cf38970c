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
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { HOST_NAME_PATTERN } from '../../../../libs/contracts/src/index.js';
import { CHECK_STATUSES, CHECK_VERDICTS, type CheckStatus, type CheckVerdict } from '../entities/check.entity.js';
import { TAG_PATTERN } from './job.dto.js';

export class BaselineDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'This job (its succeeded runs merged) is the baseline.' })
  @IsUUID('all', { message: 'jobId must be a job id (a UUID)' })
  @IsOptional()
  jobId?: string;

  @ApiPropertyOptional({
    pattern: TAG_PATTERN.source,
    description: 'The latest succeeded job with this tag, of the same tool, on the same hosts, when the check is created.',
    example: 'main',
  })
  @Matches(TAG_PATTERN, { message: 'tag must be a tag (see POST /v1/jobs/:id/tags)' })
  @IsString()
  @IsOptional()
  tag?: string;
}

export class CandidateDto {
  @ApiProperty({ format: 'uuid', description: 'A job already run (or running): the check judges it when it ends.' })
  @IsUUID('all', { message: 'jobId must be a job id (a UUID)' })
  jobId: string;
}

const THRESHOLDS_DESCRIPTION =
  'Name → limit; the limit is what the candidate may change by before the check fails. ' +
  'Histogram: `p50|p90|p99|p999|max|mean|count` with `+10%`, `-5%`, `+2ms`, `+500us`. ' +
  'Counts: `total` or a key selector `syscall=read` (`col=value[,col=value]`). Events: `total` or `col=value`. ' +
  'Stacks: `function:<symbol>` (share of samples with the function on the stack) or `self:<symbol>`, with `+5%` ' +
  '(relative) or `+5pp` (percentage points).';

export class CreateCheckDto {
  @ApiPropertyOptional({ maxLength: 64, example: 'runqlat', description: 'Run a new candidate job: the tool (with hosts and durationSec).' })
  @MaxLength(64)
  @IsString()
  @IsOptional()
  tool?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', pattern: HOST_NAME_PATTERN.source },
    minItems: 1,
    maxItems: 1000,
    uniqueItems: true,
    example: ['web-1'],
  })
  @ArrayUnique({ message: 'hosts must not contain duplicates' })
  @Matches(HOST_NAME_PATTERN, { each: true, message: 'each value in hosts must be a host name ([a-zA-Z0-9._-])' })
  @IsString({ each: true })
  @ArrayMaxSize(1000)
  @ArrayNotEmpty()
  @IsArray()
  @IsOptional()
  hosts?: string[];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, example: 10 })
  @Min(1)
  @IsInt()
  @IsOptional()
  durationSec?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: "The tool's params, as in POST /v1/jobs." })
  @IsObject()
  @IsOptional()
  params?: Record<string, unknown>;

  @ApiPropertyOptional({ type: CandidateDto, description: 'Judge a job already run instead (exclusive with tool, hosts, durationSec, params).' })
  @ValidateNested()
  @Type(() => CandidateDto)
  @IsObject()
  @IsOptional()
  candidate?: CandidateDto;

  @ApiProperty({ type: BaselineDto, description: 'Exactly one of `jobId` or `tag`.' })
  @ValidateNested()
  @Type(() => BaselineDto)
  @IsObject()
  baseline: BaselineDto;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 32 },
    minProperties: 1,
    maxProperties: 50,
    example: { p99: '+10%', p50: '+5%' },
    description: THRESHOLDS_DESCRIPTION,
  })
  @IsObject()
  thresholds: Record<string, string>;
}

export class ThresholdOutcomeDto {
  @ApiProperty({ example: 'p99' })
  name: string;

  @ApiProperty({ example: '+10%' })
  limit: string;

  @ApiProperty({ type: 'number', nullable: true, description: "The baseline's value (in the result's unit, or a share in [0, 1])." })
  baseline: number | null;

  @ApiProperty({ type: 'number', nullable: true, description: "The candidate's value." })
  candidate: number | null;

  @ApiProperty({
    type: 'number',
    nullable: true,
    description:
      "The change in the limit's own terms: percent (24.1 = +24.1 %) for `%` limits, percentage points for `pp`, " +
      "candidate − baseline in the histogram's unit for absolute limits.",
  })
  change: number | null;

  @ApiProperty({
    type: 'number',
    nullable: true,
    description: 'p-value of the test that the change is beyond the limit (docs/compare.md); null when none applies.',
  })
  pValue: number | null;

  @ApiProperty({ type: 'boolean', nullable: true, description: 'null: could not be judged (`why` says why).' })
  pass: boolean | null;

  @ApiProperty({ example: 'p99 rose 24.1% (812 → 1008 us), over the +10% limit; Mann–Whitney p=2e-9' })
  why: string;
}

export class CheckResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  tool: string;

  @ApiProperty({ enum: CHECK_STATUSES, description: '`running` until the candidate job ends and is judged.' })
  status: CheckStatus;

  @ApiProperty({ enum: CHECK_VERDICTS, nullable: true, description: 'null while `running`.' })
  verdict: CheckVerdict | null;

  @ApiProperty({ type: BaselineDto, description: 'The baseline as asked for.' })
  baseline: BaselineDto;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'What the baseline resolved to; null when no job matched (the verdict is then inconclusive).' })
  baselineJobId: string | null;

  @ApiProperty({ format: 'uuid' })
  candidateJobId: string;

  @ApiProperty({ type: [ThresholdOutcomeDto], description: 'One per threshold; `pass` null while running.' })
  thresholds: ThresholdOutcomeDto[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  finishedAt: string | null;
}

export class CheckListQueryDto {
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

export class CheckListResponseDto {
  @ApiProperty({ type: [CheckResponseDto] })
  items: CheckResponseDto[];

  @ApiProperty({ type: 'string', nullable: true, description: 'Pass as `cursor` for the next page; null on the last page.' })
  nextCursor: string | null;
}

