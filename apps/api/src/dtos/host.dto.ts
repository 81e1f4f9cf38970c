import { ApiProperty } from '@nestjs/swagger';

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
