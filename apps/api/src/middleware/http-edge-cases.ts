import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';

const sendJson = (res: ServerResponse, statusCode: number, error: string, message: string) => {
  const body = JSON.stringify({ statusCode, error, message });
  res.writeHead(statusCode, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
};

/**
 * What Node's HTTP server would answer with an empty body, answered in the API's JSON error shape: an
 * `Expect` other than 100-continue (417) and an HTTP/1.1 request without `Host` (400, RFC 9112 §3.2).
 */
export function registerHttpEdgeCases(fastify: FastifyInstance): void {
  fastify.server.on('checkExpectation', (req, res: ServerResponse) => {
    sendJson(res, 417, 'Expectation Failed', `unsupported Expect: ${JSON.stringify(String(req.headers.expect).slice(0, 100))} (only 100-continue is)`);
  });
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.raw.httpVersionMajor === 1 && request.raw.httpVersionMinor >= 1 && request.headers.host === undefined) {
      await reply
        .code(400)
        .header('content-type', 'application/json; charset=utf-8')
        .send({ statusCode: 400, error: 'Bad Request', message: 'missing Host header (HTTP/1.1 requires one)' });
    }
  });
}
