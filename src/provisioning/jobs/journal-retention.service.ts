import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { JobLeaseRepository } from '../../database/job-lease.repository';
import { JournalPruner } from '../../directory/journal/journal.pruner';
import { JournalReader } from '../../directory/journal/journal.reader';
import { DeliveryEngine } from '../engine/delivery-engine.service';
import { TargetsRepository } from '../targets/targets.repository';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows per delete: a few milliseconds of locks at a time against the HR writes. */
const BATCH = 5000;
/** Shorter than the hourly interval, so a process that dies mid-prune does not hold up the next run. */
const LEASE_MS = 50 * 60_000;

/** A journal row a target has not consumed yet. */
export interface NeededJournalRow {
  seq: number;
  changedAt: Date;
}

/**
 * Keeps the change journal bounded: rows every target has consumed (all cursors past them, disabled and paused
 * targets included) and older than JOURNAL_RETENTION_DAYS are deleted. A target that stops consuming holds every
 * row after its cursor, however old; its status says so.
 */
@Injectable()
export class JournalRetentionService {
  private readonly logger = new Logger('provisioning');

  constructor(
    private readonly dataSource: DataSource,
    private readonly leases: JobLeaseRepository,
    private readonly targets: TargetsRepository,
    private readonly journal: JournalReader,
    private readonly pruner: JournalPruner,
    private readonly engine: DeliveryEngine,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Deletes the consumed rows older than the retention; one process at a time (a job lease). */
  async pruneConsumed(): Promise<number> {
    const now = this.clock.now();
    const lease = await this.leases.acquire(
      'journal-retention',
      this.engine.owner,
      now,
      new Date(now.getTime() + LEASE_MS),
    );
    if (!lease.acquired) return 0;
    // The head before the cursors: a target registered after this read starts at or near it, and whatever it
    // might have missed of rows older than its registration its initial full reconciliation covers.
    const head = await this.journal.head();
    const cursors = (await this.targets.listRuntimes()).map((rt) => rt.journalCursor);
    // The newest row always stays: a new target starts at MAX(seq), which must never go back.
    const upTo = Math.min(head - 1, ...cursors);
    if (upTo <= 0) return 0;
    const olderThan = new Date(now.getTime() - this.config.retention.journalDays * DAY_MS);
    const deleted = await this.pruner.pruneConsumed(upTo, olderThan, BATCH);
    if (deleted > 0) this.logger.log({ msg: 'journal rows pruned', rows: deleted, upToSeq: upTo });
    return deleted;
  }

  /** The first row after a target's cursor: the oldest it still needs (null when it has consumed them all). */
  async oldestNeeded(cursor: number): Promise<NeededJournalRow | null> {
    const [row] = await this.journal.readAfter(this.dataSource.manager, cursor, 1);
    return row ? { seq: row.seq, changedAt: row.changedAt } : null;
  }
}
