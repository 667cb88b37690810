import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { JobLeaseRepository } from '../../database/job-lease.repository';
import { ImportJobsRepository } from './import-jobs.repository';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Jobs per transaction: up to 1,000 records each (IMPORT_MAX_OPERATIONS), so a batch stays short. */
const JOBS_PER_BATCH = 10;
/** Shorter than the hourly interval, so a process that dies mid-purge does not hold up the next run. */
const LEASE_MS = 50 * 60_000;

/**
 * Deletes /bulkUpload jobs finished longer ago than IMPORT_RETENTION_DAYS with their records (what each record
 * became stays in the directory and its journal); queued and running jobs are never touched. One process at a time.
 */
@Injectable()
export class ImportRetentionService {
  private readonly logger = new Logger('imports');
  private readonly owner = `${hostname()}:${process.pid}`;

  constructor(
    private readonly jobs: ImportJobsRepository,
    private readonly leases: JobLeaseRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async purgeFinished(): Promise<number> {
    const now = this.clock.now();
    const lease = await this.leases.acquire(
      'import-retention',
      this.owner,
      now,
      new Date(now.getTime() + LEASE_MS),
    );
    if (!lease.acquired) return 0;
    const before = new Date(now.getTime() - this.config.retention.importDays * DAY_MS);
    let purged = 0;
    for (;;) {
      const n = await this.jobs.purgeFinished(before, JOBS_PER_BATCH);
      if (n === 0) break;
      purged += n;
    }
    if (purged > 0) this.logger.log({ msg: 'finished imports purged', jobs: purged });
    return purged;
  }
}
