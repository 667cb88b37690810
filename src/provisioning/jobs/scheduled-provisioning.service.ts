import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { JobLeaseRepository } from '../../database/job-lease.repository';
import { DeliveryEngine } from '../engine/delivery-engine.service';
import { DirectoryReader } from '../../directory/readers/directory.reader';
import { ReconciliationService } from '../sync/reconciliation.service';
import { WorkQueueRepository } from '../queue/work-queue.repository';
import { ProvisioningLogRepository } from '../logs/provisioning-log.repository';
import { TargetsRepository } from '../targets/targets.repository';

const DAY_MS = 24 * 60 * 60 * 1000;
const DATED_PAGE = 500;

/** What the scheduled jobs do; each runs in one process at a time across the cluster (job leases). */
@Injectable()
export class ScheduledProvisioningService {
  private readonly logger = new Logger('provisioning');

  constructor(
    private readonly leases: JobLeaseRepository,
    private readonly targets: TargetsRepository,
    private readonly reconciliation: ReconciliationService,
    private readonly directory: DirectoryReader,
    private readonly queue: WorkQueueRepository,
    private readonly logs: ProvisioningLogRepository,
    private readonly engine: DeliveryEngine,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Requests a full reconciliation of every target whose interval has passed (default 40 minutes). */
  async requestDueReconciliations(): Promise<number> {
    const now = this.clock.now();
    if (!(await this.lease('reconciliation-schedule', now, 50_000)).acquired) return 0;
    const runtimes = new Map((await this.targets.listRuntimes()).map((r) => [r.targetId, r]));
    let requested = 0;
    for (const t of await this.targets.list()) {
      const rt = runtimes.get(t.id);
      if (!t.enabled || !rt || rt.reconcileRequested) continue;
      const last = rt.lastReconcileAt?.getTime() ?? 0;
      if (now.getTime() - last >= t.reconcileIntervalMinutes * 60_000) {
        await this.reconciliation.requestReconciliation(t.id);
        requested++;
      }
    }
    return requested;
  }

  /**
   * Users whose employeeHireDate or employeeLeaveDateTime passed since the last run are evaluated again in every
   * target: a joiner whose start date arrives comes into scope, a leaver's date disables them. An indexed query
   * over the window, a page at a time: the directory's other users are never read.
   */
  async reevaluateDatedUsers(): Promise<number> {
    const now = this.clock.now();
    const { acquired, lastRunAt } = await this.lease('date-reevaluation', now, 50_000);
    if (!acquired) return 0;
    const since = lastRunAt ?? new Date(now.getTime() - 60 * 60_000);
    const targets = (await this.targets.list()).filter((t) => t.enabled);
    let due = 0;
    for (let after = ''; ;) {
      const ids = await this.directory.datedUsers(since, now, after, DATED_PAGE);
      if (ids.length === 0) break;
      const items = ids.map((objectId) => ({
        objectType: 'User' as const,
        objectId,
        changeSeq: null,
        requestId: null,
        since: now,
      }));
      for (const t of targets) await this.queue.enqueueNow(t.id, items, now);
      due += ids.length;
      if (ids.length < DATED_PAGE) break;
      after = ids[ids.length - 1];
    }
    // Only now is the window done: a run killed before this line leaves it to the next run.
    await this.leases.recordRun('date-reevaluation', this.engine.owner, now);
    if (due > 0) this.logger.log({ msg: 'date-driven re-evaluation', users: due });
    return due;
  }

  async purgeExpiredLogs(): Promise<number> {
    const now = this.clock.now();
    if (!(await this.lease('provisioning-log-retention', now, 50 * 60_000)).acquired) return 0;
    // The per-minute counts serve the overview's chart of the last hour: a day of them is kept.
    await this.logs.purgeMinutesBefore(new Date(now.getTime() - DAY_MS));
    return this.logs.purgeBefore(
      new Date(now.getTime() - this.config.provisioning.logRetentionDays * DAY_MS),
    );
  }

  private lease(name: string, now: Date, ms: number) {
    return this.leases.acquire(name, this.engine.owner, now, new Date(now.getTime() + ms));
  }
}
