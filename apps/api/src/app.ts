import 'reflect-metadata';
import fastifyStatic from '@fastify/static';
import { BadRequestException, Logger as NestLogger, ValidationPipe, type ValidationError } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AppModule } from './app.module.js';
import { AuditService } from './services/audit.service.js';
import type { ApiConfig } from './config.js';
import { registerAuditHook } from './middleware/audit.hook.js';
import { registerRateLimit } from './middleware/rate-limit.js';
import { RedisRepository } from './repositories/redis.repository.js';
import { ErrorFilter } from './middleware/error.filter.js';
import { registerHttpEdgeCases } from './middleware/http-edge-cases.js';
import { registerJsonBodyParser } from './middleware/json-body.js';
import { invalidFields, type FieldProblem } from './utils/errors.js';
import { createOpenApiDocument, OPENAPI_JSON_PATH, SWAGGER_UI_PATH } from './utils/openapi.js';

/** Results travel through Redis, not request bodies: 1 MiB is plenty for a job definition. */
export const BODY_LIMIT = 1024 * 1024;

/** Builds the API, ready to `listen`. Tests call this with their own config and listen on port 0. */
export async function createApp(config: ApiConfig): Promise<NestFastifyApplication> {
  // The Host check is ours (below), so that its 400 has a JSON body like every other error.
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT, http: { requireHostHeader: false } });
  const fastify = adapter.getInstance();
  // The API speaks JSON only: without this, a text/plain body would reach validation as a string
  // instead of being refused with 415.
  fastify.removeContentTypeParser('text/plain');
  registerJsonBodyParser(fastify, BODY_LIMIT);
  registerHttpEdgeCases(fastify);
  // A JSON body that is not an object (an array, a number, null) is refused before validation, so the
  // error says what is wrong instead of listing every missing field.
  fastify.addHook('preValidation', async (request) => {
    const body = request.body;
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: `body: must be a JSON object, got ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}`,
      });
    }
  });

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    // Fastify's own JSON parser only: Nest would also accept url-encoded forms, which this API refuses (415).
    bodyParser: false,
    // Throw instead of process.exit, so callers (main.ts, tests) report the cause.
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  registerAuditHook(fastify, app.get(AuditService));
  await registerRateLimit(app, app.get(RedisRepository).connection, config.rateLimitPerMin, config.queuePrefix);
  app.useGlobalFilters(new ErrorFilter());
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      forbidUnknownValues: true,
      // One message per field: the first constraint that fails.
      stopAtFirstError: true,
      exceptionFactory: (errors) => validationException(errors),
    }),
  );

  SwaggerModule.setup(SWAGGER_UI_PATH, app, createOpenApiDocument(app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'bpfleet API',
  });
  await serveWebUi(app);

  await app.init();
  return app;
}

/** The web UI's build (apps/web/dist), from the source (apps/api/src) or the build (dist/apps/api/src). */
const WEB_UI_DIR = fileURLToPath(new URL(import.meta.url.includes('/dist/apps/') ? '../../../../apps/web/dist/' : '../../web/dist/', import.meta.url));

/**
 * Serves the web UI (apps/web) at `/`, same origin as the API, so it needs no CORS and no URL setting. The
 * files are public (they hold no data; every data call still needs the bearer token). Any other GET path
 * that is not an API path and has no file extension is a client-side route and gets index.html; unknown
 * `/v1/...` paths and missing files keep the API's JSON 404. Hashed assets are cached for good, index.html
 * is revalidated so a new build is picked up at once.
 */
async function serveWebUi(app: NestFastifyApplication): Promise<void> {
  if (!existsSync(`${WEB_UI_DIR}index.html`)) {
    new NestLogger('WebUi').warn(`no web UI build in ${WEB_UI_DIR} (npm run build --workspace @bpfleet/web): / is not served`);
    return;
  }
  await app.register(fastifyStatic, {
    root: WEB_UI_DIR,
    prefix: '/',
    // Routes for the files present at boot, so the catch-all below only sees paths that are not files.
    wildcard: false,
    setHeaders: (reply, path) =>
      reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  app.getHttpAdapter().getInstance().get('/*', (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (path === '/v1' || path.startsWith('/v1/') || /\.[^/]*$/.test(path)) return reply.callNotFound();
    return reply.sendFile('index.html');
  });
}

function validationException(errors: ValidationError[]): BadRequestException {
  const problems: FieldProblem[] = [];
  const walk = (error: ValidationError, path: string[]) => {
    const field = [...path, error.property].join('.') || 'body';
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      problems.push({
        field,
        message:
          constraint === 'whitelistValidation'
            ? 'is not a known field'
            : constraint === 'unknownValue'
              ? 'must be a JSON object'
              : message.startsWith(`${error.property} `)
                ? message.slice(error.property.length + 1)
                : message.replace(`each value in ${error.property} `, 'each value '),
      });
    }
    for (const child of error.children ?? []) walk(child, [...path, error.property]);
  };
  errors.forEach((error) => walk(error, []));
  return invalidFields(problems.length > 0 ? problems : [{ field: 'body', message: 'is invalid' }]);
}
