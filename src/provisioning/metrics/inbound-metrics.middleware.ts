import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ProvisioningMetrics } from './provisioning-metrics';

/** Counts every inbound request by surface (scim, admin, other), method and status once the response is sent. */
@Injectable()
export class InboundMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: ProvisioningMetrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const surface = req.originalUrl.startsWith('/scim/')
      ? 'scim'
      : req.originalUrl.startsWith('/admin/')
        ? 'admin'
        : 'other';
    res.on('finish', () => this.metrics.countInbound(surface, req.method, res.statusCode));
    next();
  }
}
