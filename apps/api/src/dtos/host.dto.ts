import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches } from 'class-validator';

export class HostResponseDto {
  @ApiProperty({ example: 'web-1' })
  name: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  labels: Record<string, string>;

  @ApiProperty({ enum: ['online', 'offline'] })
  status: 'online' | 'offline';

  @ApiProperty({ format: 'date-time' })
  lastSeen: string;

  @ApiProperty({ example: '6.8.0-45-generic' })
  kernel: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'boolean' }, example: { btf: true, tracepoint: true } })
  capabilities: Record<string, boolean>;
}

/** `key=value`, as BPFLEET_LABELS writes one label. */
export const LABEL_SELECTOR_PATTERN = /^[A-Za-z0-9._/-]{1,63}=[A-Za-z0-9._/-]{1,63}$/;

export class HostListQueryDto {
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', pattern: LABEL_SELECTOR_PATTERN.source },
    maxItems: 20,
    description: 'Only hosts with this label (`role=db`); repeat for several, all must match.',
    example: ['role=db'],
  })
  // One `?label=` arrives as a string, several as an array.
  @Transform(({ value }) => (typeof value === 'string' ? [value] : value))
  @Matches(LABEL_SELECTOR_PATTERN, { each: true, message: 'each label must be key=value ([A-Za-z0-9._/-], 63 at most each)' })
  @IsString({ each: true })
  @ArrayMaxSize(20)
  @IsArray()
  @IsOptional()
  label?: string[];
}
