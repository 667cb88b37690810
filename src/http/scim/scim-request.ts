import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** PUBLIC_URL (configureApp decorates the instance with it); unset, the base comes from each request's Host. */
    scimPublicUrl: string | undefined;
  }
}

/** What a SCIM handler needs of its request: the id for the journal and the base for `meta.location`. */
export interface ScimRequestContext {
  requestId: string | null;
  baseUrl: string;
  ifMatch?: string;
}

export const ScimCtx = createParamDecorator((_data: unknown, ctx: ExecutionContext): ScimRequestContext => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  return {
    requestId: req.id,
    baseUrl: `${req.server.scimPublicUrl ?? `${req.protocol}://${req.host || 'localhost'}`}/scim/v2`,
    ifMatch: req.headers['if-match'],
  };
});
