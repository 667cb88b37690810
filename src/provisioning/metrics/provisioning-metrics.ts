import { Injectable } from '@nestjs/common';

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${label(v)}"`)
    .join(',')}}`;

/** In-process counters and the delivery-latency histogram, rendered in the Prometheus text format (0.0.4) by hand. */
@Injectable()
export class ProvisioningMetrics {
  private readonly inbound = new Map<string, number>();
  private readonly deliveries = new Map<string, number>();
  private readonly latency = new Map<string, { buckets: number[]; sum: number; count: number }>();

  countInbound(surface: string, method: string, status: number): void {
    const key = JSON.stringify({ surface, method, code: String(status) });
    this.inbound.set(key, (this.inbound.get(key) ?? 0) + 1);
  }

  countDelivery(target: string, action: string, status: string): void {
    const key = JSON.stringify({ target, action, status });
    this.deliveries.set(key, (this.deliveries.get(key) ?? 0) + 1);
  }

  /** From the directory change to the target's answer. */
  observeLatency(target: string, seconds: number): void {
    let h = this.latency.get(target);
    if (!h) this.latency.set(target, (h = { buckets: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 }));
    LATENCY_BUCKETS.forEach((b, i) => {
      if (seconds <= b) h.buckets[i]++;
    });
    h.sum += seconds;
    h.count++;
  }

  render(gauges: {
    pending: Map<string, number>;
    quarantined: Map<string, boolean>;
    names: Map<string, string>;
  }): string {
    const out: string[] = [];
    out.push(
      '# HELP scim_gateway_inbound_requests_total HTTP requests received, by surface, method and status.',
    );
    out.push('# TYPE scim_gateway_inbound_requests_total counter');
    for (const [k, n] of this.inbound)
      out.push(`scim_gateway_inbound_requests_total${labels(JSON.parse(k) as Record<string, string>)} ${n}`);
    out.push('# HELP scim_gateway_provisioning_pending Objects waiting to be sent, per target.');
    out.push('# TYPE scim_gateway_provisioning_pending gauge');
    for (const [id, name] of gauges.names)
      out.push(`scim_gateway_provisioning_pending${labels({ target: name })} ${gauges.pending.get(id) ?? 0}`);
    out.push('# HELP scim_gateway_provisioning_quarantined 1 when the target is in quarantine.');
    out.push('# TYPE scim_gateway_provisioning_quarantined gauge');
    for (const [id, name] of gauges.names)
      out.push(
        `scim_gateway_provisioning_quarantined${labels({ target: name })} ${gauges.quarantined.get(id) ? 1 : 0}`,
      );
    out.push(
      '# HELP scim_gateway_provisioning_deliveries_total Provisioning log entries written by this process, by action and status.',
    );
    out.push('# TYPE scim_gateway_provisioning_deliveries_total counter');
    for (const [k, n] of this.deliveries) {
      const l = JSON.parse(k) as { target: string; action: string; status: string };
      out.push(
        `scim_gateway_provisioning_deliveries_total${labels({ ...l, target: gauges.names.get(l.target) ?? l.target })} ${n}`,
      );
    }
    out.push(
      "# HELP scim_gateway_provisioning_latency_seconds From the directory change to the target's answer.",
    );
    out.push('# TYPE scim_gateway_provisioning_latency_seconds histogram');
    for (const [id, h] of this.latency) {
      const target = gauges.names.get(id) ?? id;
      LATENCY_BUCKETS.forEach((b, i) =>
        out.push(
          `scim_gateway_provisioning_latency_seconds_bucket${labels({ target, le: String(b) })} ${h.buckets[i]}`,
        ),
      );
      out.push(
        `scim_gateway_provisioning_latency_seconds_bucket${labels({ target, le: '+Inf' })} ${h.count}`,
      );
      out.push(`scim_gateway_provisioning_latency_seconds_sum${labels({ target })} ${h.sum}`);
      out.push(`scim_gateway_provisioning_latency_seconds_count${labels({ target })} ${h.count}`);
    }
    return `${out.join('\n')}\n`;
  }
}
