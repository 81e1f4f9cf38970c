import {
  createParamDecorator,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthService, type AuthContext } from '../services/auth.service.js';

const PUBLIC = Symbol('public');

/** Marks a route (or controller) as open: health checks for orchestrators and load balancers. */
export const Public = () => SetMetadata(PUBLIC, true);

type AuthedRequest = FastifyRequest & { auth?: AuthContext };

/** The authenticated caller of this request (set by {@link AuthGuard}). */
export const Auth = createParamDecorator((_: unknown, context: ExecutionContext): AuthContext => {
  return context.switchToHttp().getRequest<AuthedRequest>().auth!;
});

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authService: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<AuthedRequest>();
    const header = request.headers.authorization;
    const auth = await this.authService.authenticate(header);
    if (auth) {
      request.auth = auth;
      return true;
    }
    // RFC 6750: say which scheme, and whether the token was missing or wrong.
    const challenge = header ? 'Bearer realm="bpfleet", error="invalid_token"' : 'Bearer realm="bpfleet"';
    http.getResponse<FastifyReply>().header('WWW-Authenticate', challenge);
    throw new UnauthorizedException(
      header ? 'the bearer token is not valid' : 'missing "Authorization: Bearer <token>" header',
    );
  }
}
