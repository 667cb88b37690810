import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, InvalidRequestError } from '../../common/errors';
import { SCIM_CONTENT_TYPE, SCIM_ERROR_SCHEMA, sendError } from './api-exception.filter';

/** 414: a path segment longer than the router takes (`maxParamLength`); no resource has such an id. */
class UriTooLongError extends AppError {
  readonly code = 'URI_TOO_LONG';
  readonly status = 414;
}

/**
 * Fastify's `frameworkErrors`: URLs its router refuses before any route or hook runs (a malformed percent-escape, a
 * path parameter over `maxParamLength`), answered in the surface's error format rather than Fastify's own JSON.
 */
export function sendRouterError(error: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const known =
    error.code === 'FST_ERR_BAD_URL'
      ? new InvalidRequestError('The request URL has a malformed percent-encoding', 'invalidSyntax')
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new UriTooLongError('A segment of the request path is too long')
        : error;
  sendError(req, reply, known);
}

const CLIENT_ERRORS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'The request line and headers exceed the size limit'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request was not received in time'],
};

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser refuses before Fastify sees them, such as a request
 * line over 16 KB (a long filter: 431) or malformed HTTP (400). When the bytes read show a SCIM path, the answer is
 * a SCIM error (RFC 7644 §3.12), the only error body SCIM clients read; otherwise plain JSON, as Fastify writes it.
 */
export function answerClientError(err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  // A reset connection has nobody to answer (Node's `clientError` documentation).
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] = CLIENT_ERRORS[err.code ?? ''] ?? [400, 'The request is not valid HTTP'];
  const start = Buffer.isBuffer(err.rawPacket) ? err.rawPacket.toString('latin1', 0, 64) : '';
  const scim = /^[A-Za-z]+ \/scim\//i.test(start);
  const body = scim
    ? JSON.stringify({ schemas: [SCIM_ERROR_SCHEMA], status: String(status), detail })
    : JSON.stringify({ statusCode: status, error: STATUS_CODES[status], message: detail });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n` +
        `Content-Type: ${scim ? SCIM_CONTENT_TYPE : 'application/json; charset=utf-8'}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
