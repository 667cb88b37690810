import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { RequestWithId } from '../common/http/request-context';

/** What a SCIM handler needs of its request: the id for the journal and the base for `meta.location`. */
export interface ScimRequestContext {
  requestId: string | null;
  baseUrl: string;
  ifMatch?: string;
}

/** Express app setting holding PUBLIC_URL (configureApp sets it); unset, the base comes from each request's Host. */
export const PUBLIC_URL_SETTING = 'scim public url';

export const ScimCtx = createParamDecorator((_data: unknown, ctx: ExecutionContext): ScimRequestContext => {
  const req = ctx.switchToHttp().getRequest<RequestWithId>();
  const publicUrl = req.app.get(PUBLIC_URL_SETTING) as string | undefined;
  return {
    requestId: req.requestId ?? null,
    baseUrl: `${publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`}/scim/v2`,
    ifMatch: req.header('if-match') ?? undefined,
  };
});
