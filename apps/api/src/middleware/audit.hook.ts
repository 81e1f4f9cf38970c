import type { FastifyInstance } from 'fastify';
import type { AuditService } from '../services/audit.service.js';
import type { AuthedRequest } from './auth.guard.js';

type AuditedRequest = AuthedRequest & { createdJobId?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Feeds the audit log from Fastify's hooks, so that it sees every answer — also those no controller gave
 * (the guard's 401/403, the rate limiter's 429, a 400 of the body parser).
 */
export function registerAuditHook(fastify: FastifyInstance, audit: AuditService): void {
  // A job made by the request is known only from its answer.
  fastify.addHook('onSend', async (request: AuditedRequest, reply, payload) => {
    if (request.method === 'POST' && reply.statusCode === 201 && typeof payload === 'string') {
      const route = request.routeOptions.url;
      if (route === '/v1/jobs' || route === '/v1/checks') {
        try {
          const body = JSON.parse(payload) as { id?: string; candidateJobId?: string };
          request.createdJobId = route === '/v1/jobs' ? body.id : body.candidateJobId;
        } catch {
          /* not JSON: nothing to learn */
        }
      }
    }
    return payload;
  });
  fastify.addHook('onResponse', async (request: AuditedRequest, reply) => {
    if (!audit.isAudited(request.method, reply.statusCode)) return;
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
    const pathId = (request.params as { id?: string } | undefined)?.id;
    const route = request.routeOptions.url ?? null;
    const jobId = request.createdJobId ?? (route?.startsWith('/v1/jobs/:id') && pathId && UUID.test(pathId) ? pathId : null);
    const targets = body.hosts ?? body.selector ?? (body.all === undefined ? undefined : { all: body.all });
    audit.record({
      tokenId: request.auth?.tokenId ?? null,
      tokenName: request.auth?.tokenName ?? null,
      method: request.method,
      route,
      path: request.url.slice(0, 2000),
      status: reply.statusCode,
      jobId,
      tool: typeof body.tool === 'string' ? body.tool.slice(0, 64) : null,
      hosts: targets,
      params: body.params,
      remoteAddress: request.ip ?? null,
      bearer: request.auth ? undefined : request.headers.authorization,
    });
  });
}
