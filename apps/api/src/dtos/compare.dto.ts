import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches } from 'class-validator';

export const COMPARE_FORMATS = ['json', 'folded'] as const;

export class CompareQueryDto {
  @ApiProperty({ format: 'uuid', description: 'A run id, or a job id (its succeeded runs merged): the reference.' })
  @IsUUID('all', { message: 'base must be a run id or a job id (a UUID)' })
  base: string;

  @ApiProperty({ format: 'uuid', description: 'A run id or a job id of the same tool: what is compared with `base`.' })
  @IsUUID('all', { message: 'target must be a run id or a job id (a UUID)' })
  target: string;

  @ApiPropertyOptional({
    maxLength: 64,
    description: 'Events results: compare the counts of events by this column (e.g. `comm`, `daddr`).',
    example: 'comm',
  })
  @Matches(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, { message: 'by must be a column name of the events result' })
  @IsString()
  @IsOptional()
  by?: string;

  @ApiPropertyOptional({
    enum: COMPARE_FORMATS,
    default: 'json',
    description: '`folded` (stacks only): the differential folded file, two counts per line as difffolded.pl writes it.',
  })
  @IsIn(COMPARE_FORMATS)
  @IsOptional()
  format?: (typeof COMPARE_FORMATS)[number];
}
