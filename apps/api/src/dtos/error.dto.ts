import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorDetailDto {
  @ApiProperty({ example: 'params.pid', description: 'The offending field, dotted (`params.pid`, `hosts`, `body`).' })
  field: string;

  @ApiProperty({ example: 'must be >= 1' })
  message: string;
}

/** The body of every error answer (see middleware/error.filter.ts). */
export class ErrorResponseDto {
  @ApiProperty({ type: 'integer', example: 400, description: 'The HTTP status again.' })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request', description: 'The HTTP reason phrase.' })
  error: string;

  @ApiProperty({
    example: 'params.pid: must be >= 1',
    description: 'For a 400, starts with the offending field; several problems are joined with `; `.',
  })
  message: string;

  @ApiPropertyOptional({ type: [ErrorDetailDto], description: 'One entry per offending field, on validation errors.' })
  details?: ErrorDetailDto[];

  @ApiPropertyOptional({ enum: ['read', 'run', 'admin'], description: 'On a 403 for a missing scope: the scope the request needs.' })
  scope?: string;
}
