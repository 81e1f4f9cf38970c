import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { DatabaseRepository } from '../repositories/database.repository.js';
import { RedisRepository } from '../repositories/redis.repository.js';

export interface ReadinessDto {
  status: 'ok' | 'unavailable';
  checks: { postgres: string; redis: string };
}

@Injectable()
export class HealthService {
  constructor(
    private readonly databaseRepository: DatabaseRepository,
    private readonly redisRepository: RedisRepository,
  ) {}

  async readiness(): Promise<ReadinessDto> {
    const check = (promise: Promise<void>) =>
      promise.then(
        () => 'ok',
        (error: Error) => `error: ${error.message}`,
      );
    const [postgres, redis] = await Promise.all([
      check(this.databaseRepository.ping()),
      check(this.redisRepository.ping()),
    ]);
    const body: ReadinessDto = { status: postgres === 'ok' && redis === 'ok' ? 'ok' : 'unavailable', checks: { postgres, redis } };
    if (body.status !== 'ok') {
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        message: `not ready: postgres ${postgres}; redis ${redis}`,
        ...body,
      });
    }
    return body;
  }
}
