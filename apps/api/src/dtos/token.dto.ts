import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { SCOPES, type Scope } from '../entities/token.entity.js';

/** A token's name: who or what holds it (`ci-main`, `alice`), shown in the audit log. */
export const TOKEN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,63}$/;

export class CreateTokenDto {
  @ApiProperty({ pattern: TOKEN_NAME_PATTERN.source, example: 'ci-main', description: 'Who or what holds the token; the audit log names it.' })
  @Matches(TOKEN_NAME_PATTERN, { message: 'name must be 1-64 of [A-Za-z0-9._@:-], starting with a letter or digit' })
  @IsString()
  name: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'string', enum: [...SCOPES] },
    minItems: 1,
    uniqueItems: true,
    example: ['read', 'run'],
    description: '`read`: tools, hosts, jobs, results, compare, checks; `run`: create, cancel, stop and tag jobs, checks; `admin`: tokens, schedules, custom programs, audit.',
  })
  @IsIn(SCOPES, { each: true, message: `each value in scopes must be one of ${SCOPES.join(', ')}` })
  @ArrayUnique({ message: 'scopes must not contain duplicates' })
  @ArrayMaxSize(SCOPES.length)
  @ArrayNotEmpty()
  @IsArray()
  scopes: Scope[];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 3650, description: 'The token stops working after this many days; never by default.' })
  @Max(3650)
  @Min(1)
  @IsInt()
  @IsOptional()
  expiresInDays?: number;
}

export class TokenResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: 'array', items: { type: 'string', enum: [...SCOPES] } })
  scopes: Scope[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  expiresAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When it was revoked; it no longer works.' })
  revokedAt: string | null;

  @ApiProperty({ description: 'The admin token of BPFLEET_ADMIN_TOKEN (changing the setting replaces it; it cannot be revoked here).' })
  bootstrap: boolean;
}

export class CreatedTokenResponseDto extends TokenResponseDto {
  @ApiProperty({ description: 'The bearer token. Shown only in this answer: only its hash is stored.', example: 'bpf_6Q0j…' })
  token: string;
}
