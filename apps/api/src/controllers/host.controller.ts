import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HostResponseDto } from '../dtos/host.dto.js';
import { HostService } from '../services/host.service.js';
import { ApiBearer } from '../utils/openapi.js';

@ApiTags('hosts')
@ApiBearer()
@Controller('v1/hosts')
export class HostController {
  constructor(private readonly service: HostService) {}

  @Get()
  @ApiOperation({
    operationId: 'listHosts',
    summary: 'List hosts',
    description: 'Every host whose agent ever sent a heartbeat; `online` iff the last one is recent.',
  })
  @ApiOkResponse({ type: [HostResponseDto], description: 'The hosts.' })
  list(): Promise<HostResponseDto[]> {
    return this.service.list();
  }
}
