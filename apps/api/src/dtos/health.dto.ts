import { ApiProperty, OmitType } from '@nestjs/swagger';
import type { ReadinessDto } from '../services/health.service.js';
import { ErrorResponseDto } from './error.dto.js';

export class LivenessResponseDto {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';
}

export class ReadinessChecksDto {
  @ApiProperty({ example: 'ok', description: '`ok`, or `error: <reason>`.' })
  postgres: string;

  @ApiProperty({ example: 'ok', description: '`ok`, or `error: <reason>`.' })
  redis: string;
}

export class ReadinessResponseDto implements ReadinessDto {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';

  @ApiProperty({ type: ReadinessChecksDto })
  checks: ReadinessChecksDto;
}

/** readyz's 503: the error body, plus the checks that say which dependency is away. */
export class NotReadyResponseDto extends OmitType(ErrorResponseDto, ['details'] as const) implements ReadinessDto {
  @ApiProperty({ enum: ['unavailable'] })
  status: 'unavailable';

  @ApiProperty({ type: ReadinessChecksDto })
  checks: ReadinessChecksDto;
}
