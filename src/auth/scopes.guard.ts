import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ForbiddenError, UnauthorizedError } from '../common/errors';
import type { FastifyRequest } from 'fastify';
import type { TokenScope } from './api-token.entity';
import { AuthService, type AuthenticatedToken } from './auth.service';
import { ANY_SCOPE_KEY, PUBLIC_KEY, SCOPES_KEY } from './scopes.decorator';

/**
 * Global guard: every route needs a valid bearer token (401) holding the route's scopes (403), unless it
 * is marked @Public(). Routes without @Scopes() are refused, so a forgotten decorator fails closed.
 */
@Injectable()
export class ScopesGuard extends AuthGuard('bearer') {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {
    super({ session: false });
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthenticatedToken }>();
    // A token verified moments ago skips passport's per-request setup (measured: half the cost of a cheap GET);
    // every other request, and every bad token, goes through passport-http-bearer.
    const cached = this.auth.recentlyVerified(request.headers.authorization);
    if (cached) request.user = cached;
    else await super.canActivate(context);
    const required = this.reflector.getAllAndOverride<TokenScope[]>(SCOPES_KEY, targets) ?? [];
    const anyOf = this.reflector.getAllAndOverride<TokenScope[]>(ANY_SCOPE_KEY, targets) ?? [];
    const token = request.user!;
    const allowed =
      anyOf.length > 0
        ? anyOf.some((s) => token.scopes.includes(s))
        : required.length > 0 && required.every((s) => token.scopes.includes(s));
    if (!allowed) {
      const needed = anyOf.length > 0 ? anyOf.join(' or ') : required.join(', ');
      throw new ForbiddenError(`This token lacks the scope this endpoint requires (${needed})`);
    }
    return true;
  }

  override handleRequest<T>(err: unknown, user: T): T {
    if (err) throw err instanceof Error ? err : new UnauthorizedError('Authentication failed');
    if (!user)
      throw new UnauthorizedError('A valid bearer token is required (Authorization: Bearer <token>)');
    return user;
  }
}
