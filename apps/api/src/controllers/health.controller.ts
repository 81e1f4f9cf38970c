import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { LivenessResponseDto, NotReadyResponseDto, ReadinessResponseDto } from '../dtos/health.dto.js';
import { Public } from '../middleware/auth.guard.js';
import { HealthService, type ReadinessDto } from '../services/health.service.js';
import { REFUSED_BEFORE_ROUTING } from '../utils/openapi.js';

@ApiTags('health')
@ApiResponse(REFUSED_BEFORE_ROUTING)
@Public()
@Controller()
export class HealthController {
  constructor(private readonly service: HealthService) {}

  @Get('healthz')
  @ApiOperation({
    operationId: 'getLiveness',
    summary: 'Liveness probe',
    description: 'Answers while the process is up; checks no dependency. Needs no token.',
    security: [],
  })
  @ApiOkResponse({ type: LivenessResponseDto, description: 'The process is up.' })
  healthz(): LivenessResponseDto {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOperation({
    operationId: 'getReadiness',
    summary: 'Readiness probe',
    description: 'Pings Postgres and Redis, each with a 1 s timeout. Needs no token.',
    security: [],
  })
  @ApiOkResponse({ type: ReadinessResponseDto, description: 'Postgres and Redis answer.' })
  @ApiServiceUnavailableResponse({
    type: NotReadyResponseDto,
    description: 'Postgres or Redis does not answer; `checks` says which.',
    example: {
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'not ready: postgres ok; redis error: redis ping timed out after 1000 ms',
      status: 'unavailable',
      checks: { postgres: 'ok', redis: 'error: redis ping timed out after 1000 ms' },
    },
  })
  readyz(): Promise<ReadinessDto> {
    return this.service.readiness();
  }
}
