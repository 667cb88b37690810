import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedToken } from '../../auth/auth.service';

/** The token the global ScopesGuard verified for this request (it sets `request.user`); routes that are not @Public. */
export const Caller = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthenticatedToken => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest & { user?: AuthenticatedToken }>();
  return request.user!;
});
