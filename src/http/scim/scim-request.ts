import { createParamDecorator, ExecutionContext, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedToken } from '../../auth/auth.service';
import type { RequestContext } from '../../common/request-context';
import type { UnknownAttributeOptions, UnknownAttributes } from '../../scim-protocol';

declare module 'fastify' {
  interface FastifyInstance {
    /** PUBLIC_URL (configureApp decorates the instance with it); unset, the base comes from each request's Host. */
    scimPublicUrl: string | undefined;
  }
}

/**
 * What a SCIM handler needs of its request: the id and the calling token for the journal, the base for
 * `meta.location`, and the token's choice for attributes no schema defines.
 */
export interface ScimRequestContext extends RequestContext {
  baseUrl: string;
  ifMatch?: string;
  unknownAttributes: UnknownAttributes;
}

export const ScimCtx = createParamDecorator((_data: unknown, ctx: ExecutionContext): ScimRequestContext => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest & { user?: AuthenticatedToken }>();
  // Every SCIM route requires a token (the global ScopesGuard sets `request.user`).
  const token = req.user!;
  return {
    requestId: req.id,
    actor: { kind: 'token', id: token.id, name: token.name },
    baseUrl: `${req.server.scimPublicUrl ?? `${req.protocol}://${req.host || 'localhost'}`}/scim/v2`,
    ifMatch: req.headers['if-match'],
    unknownAttributes: token.unknownAttributes ?? 'reject',
  };
});

const logger = new Logger('UnknownAttributes');

/** The token's choice as the SCIM library takes it; each attribute dropped is logged by its path, never its value. */
export function unknownAttributeOptions(ctx: ScimRequestContext): UnknownAttributeOptions {
  return {
    unknownAttributes: ctx.unknownAttributes,
    onIgnored: (path) => logger.debug({ msg: 'unknown attribute ignored', requestId: ctx.requestId, path }),
  };
}
