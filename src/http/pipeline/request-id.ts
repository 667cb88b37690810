import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { onRequestHookHandler } from 'fastify';

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Fastify's `genReqId`: `X-Request-Id` when it is sane, else a new one; it becomes `request.id`. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && ACCEPTABLE_ID.test(given) ? given : randomUUID();
}

/** Echoes the id, so that a caller can quote it in a ticket. */
export const echoRequestId: onRequestHookHandler = (request, reply, done) => {
  reply.header('X-Request-Id', request.id);
  done();
};
