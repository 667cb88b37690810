import type { LoggerService } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import type { RequestWithId } from './request-context';

/**
 * One JSON line per request: method, path without the query string (filters carry names and emails),
 * status, duration and request id. Never a body, never a header.
 */
export function accessLogMiddleware(logger: LoggerService) {
  return (req: RequestWithId, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const entry = {
        requestId: req.requestId,
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        durationMs: Math.round(durationMs * 10) / 10,
      };
      if (res.statusCode >= 500) logger.error(entry, undefined, 'http');
      else logger.log(entry, 'http');
    });
    next();
  };
}
