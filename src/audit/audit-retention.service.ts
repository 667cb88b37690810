import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { JobLeaseRepository } from '../database/job-lease.repository';
import { AuditLogRepository } from './audit-log.repository';

const BATCH = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Shorter than the hourly interval, so a process that dies mid-purge does not hold up the next run. */
const LEASE_MS = 50 * 60_000;
export const AUDIT_PURGE_JOB = 'audit-retention';

/**
 * Deletes audit entries older than AUDIT_RETENTION_DAYS, a batch per transaction so that a large backlog never
 * holds a long lock; one process at a time runs it (a job lease), however many share the database.
 */
@Injectable()
export class AuditRetentionService {
  private readonly logger = new Logger('audit');
  private readonly owner = `${hostname()}:${process.pid}`;

  constructor(
    private readonly entries: AuditLogRepository,
    private readonly leases: JobLeaseRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** How many entries were deleted; 0 when another process holds the lease. */
  async purgeExpired(): Promise<number> {
    const now = this.clock.now();
    const lease = await this.leases.acquire(
      AUDIT_PURGE_JOB,
      this.owner,
      now,
      new Date(now.getTime() + LEASE_MS),
    );
    if (!lease.acquired) return 0;
    const cutoff = new Date(now.getTime() - this.config.audit.retentionDays * DAY_MS);
    let purged = 0;
    for (;;) {
      const n = await this.entries.purgeBatch(cutoff, BATCH);
      purged += n;
      if (n < BATCH) break;
    }
    if (purged > 0) this.logger.log({ msg: 'audit retention purge', entries: purged });
    return purged;
  }
}
