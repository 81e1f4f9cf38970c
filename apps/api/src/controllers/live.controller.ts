import { Controller, Get, Headers, Logger, Param, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import { ErrorResponseDto } from '../dtos/error.dto.js';
import { UuidPipe } from '../middleware/uuid.pipe.js';
import { LiveService, parseLastEventId, type LiveSink } from '../services/live.service.js';
import { ApiBearer } from '../utils/openapi.js';
import { formatEvent } from '../utils/sse.js';

/** A comment line every so often keeps proxies and load balancers from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;
/** What EventSource waits before reconnecting (it then sends Last-Event-ID). */
const RETRY_MS = 1000;

/** Writes events to the raw response, waiting for it to drain when the client reads slower than they come. */
function responseSink(response: ServerResponse): LiveSink {
  return {
    async send(event) {
      if (response.write(formatEvent(event))) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          response.off('drain', done);
          response.off('close', done);
          resolve();
        };
        response.on('drain', done);
        response.on('close', done);
      });
    },
  };
}

@ApiTags('jobs')
@ApiBearer('read')
@Controller('v1/jobs')
export class LiveController {
  private readonly logger = new Logger(LiveController.name);

  constructor(private readonly service: LiveService) {}

  @Get(':id/events')
  @ApiOperation({
    operationId: 'followJobEvents',
    summary: 'Follow a job live (server-sent events)',
    description:
      'The job from its start as server-sent events: `status` on each run status change ' +
      '(`{ runId, host, status, at, error }`), `rows` when a chunk of an events run\'s rows is stored ' +
      '(`{ runId, host, seq, rows }`), and `end` (`{ status }`, the job\'s) once every run has finished and ' +
      'everything before was sent; the stream then closes. Every event but `end` has an id: reconnect with ' +
      '`Last-Event-ID` to resume right after it, with nothing missed or repeated (EventSource does so by itself). ' +
      'The order is the same on every replica.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The job id, as POST /v1/jobs returned it.' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The id of the last event received: the stream resumes after it.' })
  @ApiOkResponse({
    description: 'A text/event-stream, until the job has ended.',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example: 'id: 1042-17\nevent: status\ndata: {"runId":"…","host":"db-1","status":"running","at":"2026-01-02T03:04:05.678Z","error":null}\n\n',
      },
    },
  })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: '`id` is not a UUID, or `Last-Event-ID` is not an event id of this endpoint.',
    example: {
      statusCode: 400,
      error: 'Bad Request',
      message: 'Last-Event-ID: is not the id of an event of this endpoint (`<number>-<number>`)',
      details: [{ field: 'Last-Event-ID', message: 'is not the id of an event of this endpoint (`<number>-<number>`)' }],
    },
  })
  @ApiNotFoundResponse({
    type: ErrorResponseDto,
    description: 'No job has this id.',
    example: { statusCode: 404, error: 'Not Found', message: 'job 0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10 not found' },
  })
  async follow(
    @Param('id', UuidPipe) id: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const from = parseLastEventId(lastEventId);
    await this.service.assertJob(id);
    // From here the response is ours: Fastify sends nothing more for it.
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // nginx and others buffer responses unless told not to.
      'x-accel-buffering': 'no',
    });
    response.write(`retry: ${RETRY_MS}\n\n`);
    const left = new AbortController();
    response.on('close', () => left.abort());
    const keepalive = setInterval(() => response.write(': keepalive\n\n'), KEEPALIVE_MS);
    try {
      await this.service.follow(id, from, responseSink(response), left.signal);
    } catch (error) {
      // The status is sent: the client reconnects with Last-Event-ID and resumes where this ended.
      this.logger.warn(`events of job ${id}: ${(error as Error).message}`);
    } finally {
      clearInterval(keepalive);
      response.end();
    }
  }
}
