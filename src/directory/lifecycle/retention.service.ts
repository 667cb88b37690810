import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { systemActor } from '../../common/request-context';
import { JobLeaseRepository } from '../../database/job-lease.repository';
import { TransactionRunner } from '../../database/transaction-runner';
import { JournalWriter } from '../journal/journal.writer';
import { GroupsRepository } from '../groups/groups.repository';
import { UsersRepository } from '../users/users.repository';

const BATCH = 500;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Shorter than the hourly interval, so a process that dies mid-purge does not hold up the next run. */
const LEASE_MS = 50 * 60_000;

/**
 * Hard-deletes users and groups soft-deleted longer ago than SOFT_DELETE_RETENTION_DAYS, each with a
 * `purged` journal row, so that targets configured to delete get their DELETE. One process at a time runs it
 * (a job lease), however many share the database.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);
  private readonly owner = `${hostname()}:${process.pid}`;

  constructor(
    private readonly users: UsersRepository,
    private readonly groups: GroupsRepository,
    private readonly journal: JournalWriter,
    private readonly leases: JobLeaseRepository,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async purgeExpired(): Promise<{ users: number; groups: number }> {
    const now = this.clock.now();
    const counts = { users: 0, groups: 0 };
    const lease = await this.leases.acquire(
      'retention-purge',
      this.owner,
      now,
      new Date(now.getTime() + LEASE_MS),
    );
    if (!lease.acquired) return counts;
    const before = new Date(now.getTime() - this.config.retention.softDeleteDays * DAY_MS);
    for (const [type, repo] of [
      ['User', this.users],
      ['Group', this.groups],
    ] as const) {
      for (;;) {
        const batch = await repo.findPurgeable(before, BATCH);
        for (const id of batch) {
          const purged = await this.tx.run(async (manager) => {
            if (!(await repo.hardDelete(manager, id))) return false;
            await this.journal.append(
              manager,
              { objectType: type, objectId: id, kind: 'purged', objectVersion: 0 },
              { requestId: null, actor: systemActor('retention-purge') },
            );
            return true;
          });
          if (purged) counts[type === 'User' ? 'users' : 'groups']++;
        }
        if (batch.length < BATCH) break;
      }
    }
    if (counts.users + counts.groups > 0) this.logger.log({ msg: 'retention purge', ...counts });
    return counts;
  }
}
