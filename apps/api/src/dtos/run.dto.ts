import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { STOP_REASONS, type RunStats } from '../../../../libs/contracts/src/index.js';
import { EXPORT_FORMATS, type ExportFormat } from '../../../../libs/results/src/export/formats.js';
import { RUN_STATUSES, type RunStatus } from '../entities/run.entity.js';
import { DEFAULT_ROW_LIMIT, MAX_ROW_LIMIT } from '../services/run-event.service.js';

export class RunSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  host: string;

  @ApiProperty({ enum: RUN_STATUSES })
  status: RunStatus;

  @ApiProperty({ type: 'string', nullable: true, description: 'Why the run failed, was skipped or expired.' })
  error: string | null;
}

export class RunResponseDto extends RunSummaryDto {
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When every probe was attached.' })
  startedAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  finishedAt: string | null;

  @ApiProperty({
    type: 'object',
    properties: {
      lostEvents: { type: 'number' },
      loadMs: { type: 'number' },
      attachMs: { type: 'number' },
      tracedMs: { type: 'number' },
      stopReason: {
        type: 'string',
        enum: [...STOP_REASONS],
        description: 'Why the run ended before its duration: its event budget (`maxEvents`, `maxEventsPerSec`), or `stop` / `cancel`.',
      },
    },
    additionalProperties: { oneOf: [{ type: 'number' }, { type: 'string' }] },
    nullable: true,
    description: 'Counters of the run (lostEvents, attachMs, tracedMs, the tool’s own, …) and its stopReason.',
  })
  stats: RunStats | null;
}

export class RunResultQueryDto {
  @ApiPropertyOptional({
    enum: EXPORT_FORMATS,
    default: 'json',
    description:
      '`json` for every kind (for events: one page of rows, see `limit`); `csv` for events and counts; `ndjson` for ' +
      'events (one JSON object per row and line); `folded` (flamegraph.pl), `speedscope` and `pprof` (gzipped ' +
      'protobuf, as go tool pprof, Parca and Pyroscope read it) for stacks. `csv` and `ndjson` of events stream the ' +
      'whole result.',
  })
  @IsIn(EXPORT_FORMATS)
  @IsOptional()
  format?: ExportFormat;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_ROW_LIMIT,
    default: DEFAULT_ROW_LIMIT,
    description: 'Events results, `format=json`: rows per page.',
  })
  @Max(MAX_ROW_LIMIT)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  limit?: number;

  @ApiPropertyOptional({ maxLength: 200, description: 'Events results, `format=json`: `nextCursor` of the previous page.' })
  @MaxLength(200)
  @IsString()
  @IsOptional()
  cursor?: string;
}
