import { applyDecorators, type INestApplication } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiUnauthorizedResponse,
  DocumentBuilder,
  getSchemaPath,
  SwaggerModule,
  type OpenAPIObject,
  type ResponseObject,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../dtos/error.dto.js';
import type { Scope } from '../entities/token.entity.js';
import { RequireScope } from '../middleware/auth.guard.js';

/** Where SwaggerModule serves the document and Swagger UI (app.ts). */
export const OPENAPI_JSON_PATH = 'openapi.json';
export const SWAGGER_UI_PATH = 'docs';

const BEARER_SCHEME = 'bearer';

const forbidden = (scope: Scope) =>
  ApiForbiddenResponse({
    type: ErrorResponseDto,
    description: `The token lacks the \`${scope}\` scope this request needs (the message and \`scope\` name it).`,
    example: {
      statusCode: 403,
      error: 'Forbidden',
      message: `this request needs the "${scope}" scope; token "ci" has read`,
      scope,
    },
  });

/**
 * The scope a route needs, for a method whose need differs from its controller's {@link ApiBearer}: enforced
 * by the AuthGuard and declared as the operation's 403.
 */
export const ApiScope = (scope: Scope) => applyDecorators(RequireScope(scope), forbidden(scope));

/**
 * Every route not marked @Public() is behind the global AuthGuard (as the document's root `security` says):
 * the bearer scheme, the 401 the guard answers with its RFC 6750 challenge, and the 403 of a token without
 * `scope`, the scope the controller's routes need unless a method says otherwise ({@link ApiScope}).
 */
export const ApiBearer = (scope: Scope) =>
  applyDecorators(
    RequireScope(scope),
    forbidden(scope),
    ApiBearerAuth(BEARER_SCHEME),
    ApiUnauthorizedResponse({
      type: ErrorResponseDto,
      description: 'No bearer token, or one the API does not know.',
      headers: {
        'WWW-Authenticate': {
          description: '`Bearer realm="bpfleet"`, plus `, error="invalid_token"` when a token was sent.',
          schema: { type: 'string' },
        },
      },
      example: { statusCode: 401, error: 'Unauthorized', message: 'the bearer token is not valid' },
    }),
  );

/**
 * The only client errors of an endpoint that takes no input: what the HTTP server refuses before routing.
 * Declared so that clients of the public endpoints know the error body too.
 */
export const REFUSED_BEFORE_ROUTING = {
  status: '4XX',
  type: ErrorResponseDto,
  description:
    'The HTTP server refused the request before routing it: a malformed request (400), or headers larger ' +
    'than 16 KiB (431). The endpoint itself has no client error.',
  example: { statusCode: 431, error: 'Request Header Fields Too Large', message: 'Exceeded maximum allowed HTTP header size' },
} as const;

const TAGS: [name: string, description: string][] = [
  ['tools', 'The BPF tools a job can run, with the JSON Schema of their params.'],
  ['hosts', 'The hosts whose agent has sent a heartbeat: where jobs can run.'],
  ['jobs', 'A job runs one tool with one set of params on one or more hosts, as one run per host.'],
  ['runs', "One host's part of a job, and its result."],
  ['compare', 'Two runs or jobs of one tool side by side: what changed, and whether it is significant.'],
  ['checks', 'CI regression verdicts: a candidate job judged against a baseline under thresholds.'],
  ['schedules', 'Jobs created on a cron: one job per tick across API replicas, linked to its schedule and tagged.'],
  ['tokens', 'API tokens and their scopes: read, run, admin.'],
  ['audit', 'Who did what: every mutating request and every denied one.'],
  ['health', 'Probes for orchestrators and load balancers.'],
  ['docs', 'This description of the API.'],
];

/**
 * The API's OpenAPI 3.1 document, generated from the controllers' decorators. Served as /openapi.json and
 * linted with Redocly's recommended rules in test/api/openapi-lint.test.ts.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('bpfleet')
    .setDescription('Run BPF performance tools on remote Linux hosts as jobs.')
    .setVersion('0.1.0')
    .addServer('/', 'The origin that serves this document.')
    // The tokens are opaque random strings, not the JWTs addBearerAuth assumes by default.
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque',
        description: 'An API token (`BPFLEET_ADMIN_TOKEN` or `<data dir>/admin.token`).',
      },
      BEARER_SCHEME,
    )
    .addSecurityRequirements(BEARER_SCHEME);
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build());
  // package.json is private and names no license: until the project picks one, the contract says so.
  const license = { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' };
  document.info.license = license;
  // DocumentBuilder always emits an empty contact; the project publishes none.
  delete document.info.contact;
  addSwaggerRoutes(document);
  return toOpenApi31(document);
}

/** SwaggerModule serves these itself, outside any controller, so the scanner does not see them. */
function addSwaggerRoutes(document: OpenAPIObject): void {
  const refused: ResponseObject = {
    description: REFUSED_BEFORE_ROUTING.description,
    content: {
      'application/json': {
        schema: { $ref: getSchemaPath(ErrorResponseDto) },
        example: REFUSED_BEFORE_ROUTING.example,
      },
    },
  };
  document.paths[`/${OPENAPI_JSON_PATH}`] = {
    get: {
      operationId: 'getOpenApiDocument',
      summary: 'This document',
      description: 'The OpenAPI 3.1 description of the API, generated from the code. Needs no token.',
      tags: ['docs'],
      security: [],
      responses: {
        '200': {
          description: 'The OpenAPI document.',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['openapi', 'info', 'paths'],
                properties: {
                  openapi: { type: 'string', enum: ['3.1.0'] },
                  info: { type: 'object' },
                  paths: { type: 'object' },
                },
              },
            },
          },
        },
        '4XX': refused,
      },
    },
  };
  document.paths[`/${SWAGGER_UI_PATH}`] = {
    get: {
      operationId: 'getSwaggerUi',
      summary: 'Swagger UI',
      description: 'An HTML page to read and try the API. Needs no token (the data endpoints still do).',
      tags: ['docs'],
      security: [],
      responses: {
        '200': { description: 'The Swagger UI page.', content: { 'text/html': { schema: { type: 'string' } } } },
        '4XX': refused,
      },
    },
  };
}

/**
 * @nestjs/swagger emits OpenAPI 3.0 (`nullable: true`). The API promises 3.1, whose schemas are JSON
 * Schema 2020-12 (the same dialect as the tools' paramsSchema): a nullable type is `type: [T, "null"]`.
 * This rewrites the generated document in place and returns it.
 */
export function toOpenApi31<T extends { openapi: string }>(document: T): T {
  document.openapi = '3.1.0';
  visit(document);
  return document;
}

function visit(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(visit);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  for (const value of Object.values(schema)) visit(value);
  if (schema.nullable === true) {
    delete schema.nullable;
    if (typeof schema.type === 'string') {
      schema.type = [schema.type, 'null'];
      if (Array.isArray(schema.enum)) schema.enum = [...schema.enum, null];
    } else if (Array.isArray(schema.type)) {
      if (!schema.type.includes('null')) schema.type = [...schema.type, 'null'];
    } else {
      // $ref / allOf / oneOf: wrap, since a sibling `type` would not make the reference nullable.
      const inner: Record<string, unknown> = {};
      for (const key of Object.keys(schema)) {
        if (key !== 'description' && key !== 'default') {
          inner[key] = schema[key];
          delete schema[key];
        }
      }
      schema.anyOf = [inner, { type: 'null' }];
    }
  } else if (schema.nullable === false) {
    delete schema.nullable;
  }
  // 3.0's boolean exclusive bounds become 3.1's numeric ones.
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (schema[flag] === true && typeof schema[bound] === 'number') {
      schema[flag] = schema[bound];
      delete schema[bound];
    } else if (schema[flag] === false) {
      delete schema[flag];
    }
  }
}
