import type { Request } from 'express';

/** What a write carries into the directory journal about the request that caused it. */
export interface RequestContext {
  requestId: string | null;
}

export type RequestWithId = Request & { requestId?: string };

export function requestContextOf(req: RequestWithId): RequestContext {
  return { requestId: req.requestId ?? null };
}
