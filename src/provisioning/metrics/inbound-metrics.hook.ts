import type { onResponseHookHandler } from 'fastify';
import { ProvisioningMetrics } from './provisioning-metrics';

/** Counts every inbound request by surface (scim, admin, other), method and status once the response is sent. */
export function countInboundRequests(metrics: ProvisioningMetrics): onResponseHookHandler {
  return (request, reply, done) => {
    const surface = request.url.startsWith('/scim/')
      ? 'scim'
      : request.url.startsWith('/admin/')
        ? 'admin'
        : 'other';
    metrics.countInbound(surface, request.method, reply.statusCode);
    done();
  };
}
