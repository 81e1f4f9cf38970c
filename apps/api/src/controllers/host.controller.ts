import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../dtos/error.dto.js';
import { HostListQueryDto, HostResponseDto } from '../dtos/host.dto.js';
import { HostService } from '../services/host.service.js';
import { ApiBearer } from '../utils/openapi.js';

@ApiTags('hosts')
@ApiBearer('read')
@Controller('v1/hosts')
export class HostController {
  constructor(private readonly service: HostService) {}

  @Get()
  @ApiOperation({
    operationId: 'listHosts',
    summary: 'List hosts',
    description: 'Every host whose agent ever sent a heartbeat; `online` iff the last one is recent.',
  })
  @ApiOkResponse({ type: [HostResponseDto], description: 'The hosts, by name.' })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'A `label` is not `key=value`, or an unknown query parameter.',
    example: {
      statusCode: 400,
      error: 'Bad Request',
      message: 'label: each label must be key=value ([A-Za-z0-9._/-], 63 at most each)',
      details: [{ field: 'label', message: 'each label must be key=value ([A-Za-z0-9._/-], 63 at most each)' }],
    },
  })
  list(@Query() query: HostListQueryDto): Promise<HostResponseDto[]> {
    const labels = query.label?.map((pair) => pair.split('=') as [string, string]);
    return this.service.list(labels ? Object.fromEntries(labels) : undefined);
  }
}
