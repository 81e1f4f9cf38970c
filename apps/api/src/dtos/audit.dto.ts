import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class AuditListQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50, description: 'Page size.' })
  @Max(200)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  limit?: number;

  @ApiPropertyOptional({ maxLength: 100, description: '`nextCursor` of the previous page.' })
  @MaxLength(100)
  @IsString()
  @IsOptional()
  cursor?: string;
}

export class AuditEntryDto {
  @ApiProperty({ description: 'Increasing with time.' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'null: no valid token.' })
  tokenId: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'Who: the token’s name.' })
  tokenName: string | null;

  @ApiProperty({ example: 'POST' })
  method: string;

  @ApiProperty({ type: 'string', nullable: true, example: '/v1/jobs/:id/cancel', description: 'The route matched; null for none.' })
  route: string | null;

  @ApiProperty({ example: '/v1/jobs/0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10/cancel' })
  path: string;

  @ApiProperty({ type: 'integer', description: 'The status answered.' })
  status: number;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'The job the request made or acted on.' })
  jobId: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  tool: string | null;

  @ApiProperty({ nullable: true, description: 'The hosts, selector or `all` the request named.' })
  hosts: unknown;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'The params the request sent.' })
  params: unknown;

  @ApiProperty({ type: 'string', nullable: true, description: 'From where: the client address.' })
  remoteAddress: string | null;
}

export class AuditListResponseDto {
  @ApiProperty({ type: [AuditEntryDto] })
  items: AuditEntryDto[];

  @ApiProperty({ type: 'string', nullable: true, description: 'Pass as `cursor` for the next page; null on the last page.' })
  nextCursor: string | null;
}
