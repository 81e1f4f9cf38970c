import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditListQueryDto, AuditListResponseDto } from '../dtos/audit.dto.js';
import { ErrorResponseDto } from '../dtos/error.dto.js';
import { AuditService } from '../services/audit.service.js';
import { ApiBearer } from '../utils/openapi.js';

@ApiTags('audit')
@ApiBearer('admin')
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly service: AuditService) {}

  @Get()
  @ApiOperation({
    operationId: 'listAudit',
    summary: 'Read the audit log',
    description: 'Every mutating request and every denied one (401, 403, 429): who, what, when, from where, the status answered. Newest first.',
  })
  @ApiOkResponse({ type: AuditListResponseDto, description: 'One page of entries, newest first.' })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: '`limit` or `cursor` is wrong, or an unknown query parameter.',
    example: { statusCode: 400, error: 'Bad Request', message: 'limit: must not be greater than 200', details: [{ field: 'limit', message: 'must not be greater than 200' }] },
  })
  list(@Query() query: AuditListQueryDto): Promise<AuditListResponseDto> {
    return this.service.list(query);
  }
}
