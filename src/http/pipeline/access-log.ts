import type { LoggerService } from '@nestjs/common';
import type { onResponseHookHandler } from 'fastify';

/** The path of a request target, without the query string (filters carry names and emails). */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** One JSON line per request: method, path, status, duration and request id. Never a body, never a header. */
export function accessLog(logger: LoggerService): onResponseHookHandler {
  return (request, reply, done) => {
    const entry = {
      requestId: request.id,
      method: request.method,
      path: pathOf(request.url),
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (reply.statusCode >= 500) logger.error(entry, undefined, 'http');
    else logger.log(entry, 'http');
    done();
  };
}
