import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedToken } from '../../auth/auth.service';
import type { AdminActor } from '../../audit/audit.types';

/** Who makes an admin change, for the audit log: the verified token (as `@Caller()`) and the request's id. */
export const Actor = createParamDecorator((_data: unknown, ctx: ExecutionContext): AdminActor => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest & { user?: AuthenticatedToken }>();
  return { tokenId: request.user!.id, tokenName: request.user!.name, requestId: request.id };
});
