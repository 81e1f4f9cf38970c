import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorDetailDto {
  @ApiProperty({ example: 'params.pid' })
  field: string;

  @ApiProperty({ example: 'must be >= 1' })
  message: string;
}

export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({ example: 'params.pid: must be >= 1' })
  message: string;

  @ApiPropertyOptional({ type: [ErrorDetailDto], description: 'One entry per offending field, when known.' })
  details?: ErrorDetailDto[];
}
