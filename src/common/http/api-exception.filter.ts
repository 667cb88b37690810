import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { AppError, ScimType } from '../errors';
import type { RequestWithId } from './request-context';

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
  const bodyParserError = err as { type?: string; status?: number; expose?: boolean };
  if (bodyParserError?.type === 'entity.parse.failed') {
    return {
      status: 400,
      code: 'INVALID_JSON',
      message: 'The request body is not valid JSON',
      scimType: 'invalidSyntax',
    };
  }
  if (bodyParserError?.type === 'entity.too.large') {
    return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The request body exceeds the size limit' };
  }
  if (bodyParserError?.expose && typeof bodyParserError.status === 'number' && bodyParserError.status < 500) {
    return {
      status: bodyParserError.status,
      code: `HTTP_${bodyParserError.status}`,
      message: String((err as Error).message),
    };
  }
  logger.error({ requestId, error: err instanceof Error ? err.stack : String(err) });
  return { status: 500, code: 'INTERNAL', message: `Internal error; quote request id ${requestId ?? '-'}` };
}

export function isScimPath(path: string): boolean {
  return path.startsWith('/scim/');
}

/** RFC 7644 §3.12 error body on the SCIM surface, plain JSON on the admin surface. */
export function sendError(req: RequestWithId, res: Response, err: unknown): void {
  const e = normalizeError(err, req.requestId);
  if (isScimPath(req.path)) {
    if (e.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="scim"');
    res
      .status(e.status)
      .type(SCIM_CONTENT_TYPE)
      .send(
        JSON.stringify({
          schemas: [SCIM_ERROR_SCHEMA],
          status: String(e.status),
          ...(e.scimType ? { scimType: e.scimType } : {}),
          detail: e.message,
        }),
      );
    return;
  }
  if (e.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="admin"');
  res.status(e.status).json({
    ...e.fields,
    statusCode: e.status,
    error: e.code,
    message: e.message,
    ...(e.details ? { details: e.details } : {}),
    requestId: req.requestId,
  });
}

/** The global filter: one formatting per surface, chosen by path (unknown routes included). */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(http.getRequest<RequestWithId>(), http.getResponse<Response>(), exception);
  }
}

/** The same for errors raised by Express middleware (body parsing) before Nest routes the request. */
export function expressErrorHandler(
  err: unknown,
  req: RequestWithId,
  res: Response,
  next: NextFunction,
): void {
  if (res.headersSent) return next(err);
  sendError(req, res, err);
}
