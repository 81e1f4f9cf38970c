import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../middleware/auth.guard.js';
import { HealthService, type ReadinessDto } from '../services/health.service.js';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(private readonly service: HealthService) {}

  @Get('healthz')
  @ApiOkResponse({ description: 'The process is up.' })
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOkResponse({ description: 'Postgres and Redis answer.' })
  @ApiServiceUnavailableResponse({ description: 'Postgres or Redis does not answer; `checks` says which.' })
  readyz(): Promise<ReadinessDto> {
    return this.service.readiness();
  }
}
