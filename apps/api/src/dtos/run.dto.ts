import { ApiProperty } from '@nestjs/swagger';
import { RUN_STATUSES, type RunStatus } from '../entities/run.entity.js';

export class RunSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  host: string;

  @ApiProperty({ enum: RUN_STATUSES })
  status: RunStatus;
}

export class RunResponseDto extends RunSummaryDto {
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When every probe was attached.' })
  startedAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  finishedAt: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  error: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    nullable: true,
    description: 'lostEvents, attachMs, tracedMs, …',
  })
  stats: Record<string, number> | null;
}
