import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ScimType } from '../../common/errors';
import { pathOf } from './access-log';
import { allowedMethodsFor, MethodNotAllowedError } from './method-not-allowed';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';
export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

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
    // Their messages quote the request ("Cannot GET /…", "Unsupported Media Type: …"); a detail never does.
    if (status === 404) return { status, code: 'NOT_FOUND', message: 'No endpoint serves this path' };
    if (status === 415) {
      return {
        status,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'The request body must be application/scim+json or application/json',
      };
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

/**
 * RFC 7644 §3.12 error body on the SCIM surface, plain JSON on the admin surface. On the SCIM surface, a method the
 * path does not serve is 405 with `Allow` (RFC 9110 §15.5.6), not 404: the path exists.
 */
export function sendError(req: FastifyRequest, reply: FastifyReply, err: unknown): void {
  if (clientDisconnected(req, err)) {
    // Not a fault of ours: a line for whoever debugs that client, without a stack; the answer reaches nobody.
    logger.debug({ requestId: req.id, msg: 'The client closed the connection before its request was read' });
    void reply.status(400).send();
    return;
  }
  const scim = isScimPath(pathOf(req.url));
  const allow = scim && err instanceof NotFoundException ? allowedMethodsFor(req) : [];
  const error = allow.length > 0 ? new MethodNotAllowedError(allow) : err;
  const e = normalizeError(error, req.id);
  if (scim) {
    if (e.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="scim"');
    if (error instanceof MethodNotAllowedError) reply.header('Allow', error.allow.join(', '));
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

/** The request body stopped because the client went away (Node's `aborted`, ECONNRESET). */
function clientDisconnected(req: FastifyRequest, err: unknown): boolean {
  return (
    req.raw.readableAborted || (err instanceof Error && (err as NodeJS.ErrnoException).code === 'ECONNRESET')
  );
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
