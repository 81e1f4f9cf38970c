import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  [extra: string]: unknown;
}

/** Fastify's own errors that are the client's fault, with the message we give instead of Fastify's. */
const FASTIFY_CLIENT_ERRORS: Record<string, (error: { message: string }) => string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => 'unsupported content type: send JSON with "Content-Type: application/json"',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => 'the Content-Length header does not match the body',
  FST_ERR_CTP_BODY_TOO_LARGE: () => 'request body is larger than the 1 MiB limit',
  FST_ERR_CTP_EMPTY_JSON_BODY: () => 'body: must be a JSON object, got an empty body',
  FST_ERR_CTP_INVALID_JSON_BODY: (error) => `body: malformed JSON (${error.message})`,
  FST_ERR_CTP_INVALID_TYPE: () => 'the Content-Type header is not valid',
};

/** SQLSTATE classes of "the database is away or refusing work now" (connection, shutdown, resources). */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P)/;
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
/** What pg and TypeORM say, without an error code, when no connection can be had or one broke. */
const UNAVAILABLE_MESSAGE = /Connection terminated|is not currently accepting connections|the database system is (starting up|shutting down)|timeout exceeded when trying to connect|Client has encountered a connection error|Driver not Connected|Connection is not established/i;

/**
 * Whether an error means Postgres cannot be reached (or is shutting down) rather than a bug: every route
 * then answers 503, as it does when Redis is away, so a client retries instead of reporting a crash.
 */
export function isDatabaseUnavailable(exception: unknown): boolean {
  const error = exception as { code?: unknown; driverError?: { code?: unknown; message?: string }; message?: unknown; cause?: unknown };
  if (typeof error !== 'object' || error === null) return false;
  const codes = [error.code, error.driverError?.code].filter((code): code is string => typeof code === 'string');
  if (codes.some((code) => UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) return true;
  const messages = [error.message, error.driverError?.message].filter((m): m is string => typeof m === 'string');
  if (messages.some((message) => UNAVAILABLE_MESSAGE.test(message))) return true;
  return error.cause !== undefined && error.cause !== exception && isDatabaseUnavailable(error.cause);
}

/**
 * Turns anything thrown while serving a request into `{ statusCode, error, message }`. Client mistakes
 * Fastify detects itself (media type, size, JSON syntax) become their 4xx; only real bugs become 500s.
 */
export function toErrorBody(exception: unknown): ErrorBody {
  // Nest wraps Fastify's 4xx errors in an HttpException whose cause is the original.
  if (exception instanceof HttpException && (exception.cause as { code?: string })?.code) {
    const cause = exception.cause as { code: string; message: string };
    const describe = FASTIFY_CLIENT_ERRORS[cause.code];
    if (describe) {
      const status = exception.getStatus();
      return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message: describe(cause) };
    }
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'object' && response !== null) {
      const body = response as Record<string, unknown>;
      const message = Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? exception.message);
      return { ...body, statusCode: status, error: String(body.error ?? STATUS_CODES[status]), message };
    }
    return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message: String(response) };
  }
  const error = exception as { statusCode?: number; code?: string; message?: string; name?: string };
  const describe = error?.code ? FASTIFY_CLIENT_ERRORS[error.code] : undefined;
  if (describe) {
    const status = error.statusCode ?? HttpStatus.BAD_REQUEST;
    return { statusCode: status, error: STATUS_CODES[status] ?? 'Bad Request', message: describe({ message: error.message ?? '' }) };
  }
  // JSON.parse errors from any parser, and other Fastify 4xx errors, keep their status.
  if (error instanceof SyntaxError) {
    return { statusCode: 400, error: 'Bad Request', message: `body: malformed JSON (${error.message})` };
  }
  if (typeof error?.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return { statusCode: error.statusCode, error: STATUS_CODES[error.statusCode] ?? 'Error', message: error.message ?? '' };
  }
  if (isDatabaseUnavailable(exception)) {
    return { statusCode: 503, error: 'Service Unavailable', message: 'the database (Postgres) is unavailable; retry later' };
  }
  return { statusCode: 500, error: 'Internal Server Error', message: 'internal error; see the API log' };
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(ErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = toErrorBody(exception);
    if (body.statusCode === 503 && !(exception instanceof HttpException)) {
      this.logger.warn(`answered 503: ${exception instanceof Error ? exception.message : String(exception)}`);
    } else if (body.statusCode >= 500 && !(exception instanceof HttpException)) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
