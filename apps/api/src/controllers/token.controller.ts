import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../dtos/error.dto.js';
import { CreatedTokenResponseDto, CreateTokenDto, TokenResponseDto } from '../dtos/token.dto.js';
import { UuidPipe } from '../middleware/uuid.pipe.js';
import { TokenService } from '../services/token.service.js';
import { ApiBearer } from '../utils/openapi.js';

@ApiTags('tokens')
@ApiBearer('admin')
@Controller('v1/tokens')
export class TokenController {
  constructor(private readonly service: TokenService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'createToken', summary: 'Create a token', description: 'The token is in this answer only: keep it.' })
  @ApiCreatedResponse({ type: CreatedTokenResponseDto, description: 'The token, with its secret.' })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: '`name`, `scopes` or `expiresInDays` is wrong (the message and `details` name it).',
    example: {
      statusCode: 400,
      error: 'Bad Request',
      message: 'scopes: each value in scopes must be one of read, run, admin',
      details: [{ field: 'scopes', message: 'each value in scopes must be one of read, run, admin' }],
    },
  })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorResponseDto, description: 'The body is not `application/json`.' })
  create(@Body() dto: CreateTokenDto): Promise<CreatedTokenResponseDto> {
    return this.service.create(dto);
  }

  @Get()
  @ApiOperation({ operationId: 'listTokens', summary: 'List tokens', description: 'Newest first, revoked ones too; never their secrets.' })
  @ApiOkResponse({ type: [TokenResponseDto], description: 'The tokens.' })
  list(): Promise<TokenResponseDto[]> {
    return this.service.list();
  }

  @Delete(':id')
  @ApiOperation({ operationId: 'revokeToken', summary: 'Revoke a token', description: 'At once: its next request is a 401. Idempotent.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The token id (GET /v1/tokens).' })
  @ApiOkResponse({ type: TokenResponseDto, description: 'The token, revoked.' })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: '`id` is not a UUID.',
    example: { statusCode: 400, error: 'Bad Request', message: 'id: must be a UUID, got "42"', details: [{ field: 'id', message: 'must be a UUID, got "42"' }] },
  })
  @ApiNotFoundResponse({
    type: ErrorResponseDto,
    description: 'No token has this id.',
    example: { statusCode: 404, error: 'Not Found', message: 'token 0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10 not found' },
  })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'The admin token of BPFLEET_ADMIN_TOKEN: change the setting to replace it.',
    example: {
      statusCode: 409,
      error: 'Conflict',
      message: 'token 0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10 is the admin token of BPFLEET_ADMIN_TOKEN: change the setting to replace it',
    },
  })
  revoke(@Param('id', UuidPipe) id: string): Promise<TokenResponseDto> {
    return this.service.revoke(id);
  }
}
