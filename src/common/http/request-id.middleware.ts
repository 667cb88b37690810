import { randomUUID } from 'node:crypto';
import type { NextFunction, Response } from 'express';
import type { RequestWithId } from './request-context';

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Takes `X-Request-Id` when it is sane, else makes one; echoes it so a caller can quote it in a ticket. */
export function requestIdMiddleware(req: RequestWithId, res: Response, next: NextFunction): void {
  const given = req.header('x-request-id');
  req.requestId = given && ACCEPTABLE_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', req.requestId);
  next();
}
