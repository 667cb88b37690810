import { Injectable } from '@nestjs/common';
import { TargetHealthService } from '../targets/target-health.service';
import { WorkQueueRepository } from '../queue/work-queue.repository';
import { TargetsRepository } from '../targets/targets.repository';
import { ProvisioningMetrics } from './provisioning-metrics';

/**
 * GET /metrics: the process's counters and default process metrics, plus the shared gauges (pending work,
 * quarantine) read from the database at scrape time.
 */
@Injectable()
export class MetricsService {
  constructor(
    private readonly metrics: ProvisioningMetrics,
    private readonly targets: TargetsRepository,
    private readonly queue: WorkQueueRepository,
    private readonly health: TargetHealthService,
  ) {}

  async renderMetrics(): Promise<string> {
    const [targets, runtimes, pending] = await Promise.all([
      this.targets.list(),
      this.targets.listRuntimes(),
      this.queue.countByTarget(),
    ]);
    const quarantined = new Map(
      runtimes.map((r) => [
        r.targetId,
        r.quarantine !== null || this.health.quarantine(r.targetId) !== undefined,
      ]),
    );
    return this.metrics.render({ pending, quarantined, names: new Map(targets.map((t) => [t.id, t.name])) });
  }
}
