import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Per-token limits on mutating requests (a CI job in a loop must not flood the fleet with traces): counted in
 * Redis, so every API replica shares one count per token, keyed by a hash of the bearer token (the client's
 * address when there is none). Reads are not limited. When Redis is away the limiter steps aside rather than
 * refusing everything: the routes that need Redis answer 503 themselves.
 */
export async function registerRateLimit(app: NestFastifyApplication, redis: Redis, perMinute: number, prefix: string): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    redis,
    nameSpace: `${prefix}:rate-limit:`,
    skipOnError: true,
    allowList: (request) => !MUTATING.has(request.method),
    keyGenerator: (request) => {
      const authorization = request.headers.authorization;
      return authorization ? `t:${createHash('sha256').update(authorization).digest('hex')}` : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `over ${context.max} mutating requests per minute for this token; retry in ${Math.ceil(context.ttl / 1000)} s`,
    }),
  });
}
