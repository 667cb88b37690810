import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ScimType } from '../../common/errors';
import { pathOf } from './access-log';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';
const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

interface NormalizedError {
  status: number;
  code: string;
  message: string;
  scimType?: ScimType;
  details?: unknown;
  /** Extra top-level keys of the admin body (e.g. `line` and `column` of an expression error). */
  fields?: Record<string, unknown>;
}

/** What an AppError may add to the admin body: a list of problems, or extra top-level keys. */
interface AdminErrorExtras {
  details?: unknown;
  fields?: Record<string, unknown>;
}

const logger = new Logger('errors');

/** Every error, known or not, as status + stable code + a message safe to show (never a value, never a 5xx cause). */
export function normalizeError(err: unknown, requestId?: string): NormalizedError {
  if (err instanceof AppError) {
    const { details, fields } = err as AdminErrorExtras;
    return {
      status: err.status,
      code: err.code,
      message: err.message,
      scimType: err.scimType,
      details,
      fields,
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    // Fastify's own errors (body limit, media type, bad URL) reach filters as HttpExceptions with
    // Fastify's message (Nest's RoutesResolver maps them); only the body limit answers 413.
    if (status === 413) {
      return { status, code: 'PAYLOAD_TOO_LARGE', message: 'The request body exceeds the size limit' };
    }
    const body = err.getResponse();
    const message =
      typeof body === 'object' && body !== null && 'message' in body ? body.message : err.message;
    const text = Array.isArray(message) ? message.join('; ') : String(message);
    return {
      status,
      code: status === 404 ? 'NOT_FOUND' : `HTTP_${status}`,
      message: text,
      details: Array.isArray(message) ? message : undefined,
    };
  }
  logger.error({ requestId, error: err instanceof Error ? err.stack : String(err) });
  return { status: 500, code: 'INTERNAL', message: `Internal error; quote request id ${requestId ?? '-'}` };
}

export function isScimPath(path: string): boolean {
  return path.startsWith('/scim/');
}

/** RFC 7644 §3.12 error body on the SCIM surface, plain JSON on the admin surface. */
export function sendError(req: FastifyRequest, reply: FastifyReply, err: unknown): void {
  const e = normalizeError(err, req.id);
  if (isScimPath(pathOf(req.url))) {
    if (e.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="scim"');
    void reply
      .status(e.status)
      .type(SCIM_CONTENT_TYPE)
      .send({
        schemas: [SCIM_ERROR_SCHEMA],
        status: String(e.status),
        ...(e.scimType ? { scimType: e.scimType } : {}),
        detail: e.message,
      });
    return;
  }
  if (e.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="admin"');
  void reply.status(e.status).send({
    ...e.fields,
    statusCode: e.status,
    error: e.code,
    message: e.message,
    ...(e.details ? { details: e.details } : {}),
    requestId: req.id,
  });
}

/**
 * The global filter: one formatting per surface, chosen by path (unknown routes included). Nest also
 * installs it as Fastify's error handler, so body parsing errors come here too.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), exception);
  }
}
