import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * The process's metrics in prom-client: the gateway's own series (inbound requests, deliveries, delivery latency,
 * and the per-target gauges read from the database at scrape time) and prom-client's default process metrics
 * (CPU, memory, event-loop lag, GC, handles). One registry per application instance, so that several in one
 * process (the e2e tests) never share a series.
 */
@Injectable()
export class ProvisioningMetrics {
  readonly registry = new Registry();

  private readonly inbound = new Counter({
    name: 'scim_gateway_inbound_requests_total',
    help: 'HTTP requests received, by surface, method and status.',
    labelNames: ['surface', 'method', 'code'],
    registers: [this.registry],
  });

  private readonly pending = new Gauge({
    name: 'scim_gateway_provisioning_pending',
    help: 'Objects waiting to be sent, per target.',
    labelNames: ['target'],
    registers: [this.registry],
  });

  private readonly quarantined = new Gauge({
    name: 'scim_gateway_provisioning_quarantined',
    help: '1 when the target is in quarantine.',
    labelNames: ['target'],
    registers: [this.registry],
  });

  private readonly deliveries = new Counter({
    name: 'scim_gateway_provisioning_deliveries_total',
    help: 'Provisioning log entries written by this process, by action and status.',
    labelNames: ['target', 'action', 'status'],
    registers: [this.registry],
  });

  private readonly latency = new Histogram({
    name: 'scim_gateway_provisioning_latency_seconds',
    help: "From the directory change to the target's answer.",
    labelNames: ['target'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  countInbound(surface: string, method: string, status: number): void {
    this.inbound.inc({ surface, method, code: String(status) });
  }

  /** `target`: the target's name, as every per-target series is labelled. */
  countDelivery(target: string, action: string, status: string): void {
    this.deliveries.inc({ target, action, status });
  }

  /** From the directory change to the target's answer; `target` is the target's name. */
  observeLatency(target: string, seconds: number): void {
    this.latency.observe({ target }, seconds);
  }

  /** The Prometheus text format (0.0.4), with the per-target gauges as read now. */
  async render(gauges: {
    pending: Map<string, number>;
    quarantined: Map<string, boolean>;
    names: Map<string, string>;
  }): Promise<string> {
    this.pending.reset();
    this.quarantined.reset();
    for (const [id, name] of gauges.names) {
      this.pending.set({ target: name }, gauges.pending.get(id) ?? 0);
      this.quarantined.set({ target: name }, gauges.quarantined.get(id) ? 1 : 0);
    }
    return this.registry.metrics();
  }
}
