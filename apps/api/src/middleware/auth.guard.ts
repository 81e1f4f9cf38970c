import {
  createParamDecorator,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Scope } from '../entities/token.entity.js';
import { AuthService, hasScope, type AuthContext } from '../services/auth.service.js';

const PUBLIC = Symbol('public');
const SCOPE = Symbol('scope');

/** Marks a route (or controller) as open: health checks for orchestrators and load balancers. */
export const Public = () => SetMetadata(PUBLIC, true);

/**
 * The scope a route needs (on a controller: its routes' default; on a method: that route's). A route with
 * none declared needs `admin`: a forgotten declaration fails closed.
 */
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE, scope);

export type AuthedRequest = FastifyRequest & { auth?: AuthContext };

/** The authenticated caller of this request (set by {@link AuthGuard}). */
export const Auth = createParamDecorator((_: unknown, context: ExecutionContext): AuthContext => {
  return context.switchToHttp().getRequest<AuthedRequest>().auth!;
});

const FAILURES = {
  missing: 'missing "Authorization: Bearer <token>" header',
  invalid: 'the bearer token is not valid',
  expired: 'the bearer token has expired',
} as const;

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authService: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<AuthedRequest>();
    const auth = await this.authService.authenticate(request.headers.authorization);
    if (typeof auth === 'string') {
      // RFC 6750: say which scheme, and whether the token was missing or wrong.
      const challenge = auth === 'missing' ? 'Bearer realm="bpfleet"' : 'Bearer realm="bpfleet", error="invalid_token"';
      http.getResponse<FastifyReply>().header('WWW-Authenticate', challenge);
      throw new UnauthorizedException(FAILURES[auth]);
    }
    request.auth = auth;
    const needed = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE, targets) ?? 'admin';
    if (!hasScope(auth, needed)) {
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        message: `this request needs the "${needed}" scope; token "${auth.tokenName}" has ${auth.scopes.join(', ')}`,
        scope: needed,
      });
    }
    return true;
  }
}
