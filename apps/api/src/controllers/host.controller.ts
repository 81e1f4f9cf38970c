import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HostResponseDto } from '../dtos/host.dto.js';
import { HostService } from '../services/host.service.js';

@ApiTags('hosts')
@ApiBearerAuth()
@Controller('v1/hosts')
export class HostController {
  constructor(private readonly service: HostService) {}

  @Get()
  @ApiOkResponse({ type: [HostResponseDto] })
  list(): Promise<HostResponseDto[]> {
    return this.service.list();
  }
}
