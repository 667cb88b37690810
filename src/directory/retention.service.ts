import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { TransactionRunner } from '../database/transaction-runner';
import { ChangeJournalRepository } from './change-journal.repository';
import { GroupsRepository } from './groups.repository';
import { UsersRepository } from './users.repository';

const BATCH = 500;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Hard-deletes users and groups soft-deleted longer ago than SOFT_DELETE_RETENTION_DAYS, each with a
 * `purged` journal row, so that targets configured to delete get their DELETE.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly groups: GroupsRepository,
    private readonly journal: ChangeJournalRepository,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async purgeExpired(): Promise<{ users: number; groups: number }> {
    const before = new Date(this.clock.now().getTime() - this.config.retention.softDeleteDays * DAY_MS);
    const counts = { users: 0, groups: 0 };
    for (const [type, repo] of [
      ['User', this.users],
      ['Group', this.groups],
    ] as const) {
      for (;;) {
        const batch = await repo.findPurgeable(before, BATCH);
        for (const row of batch) {
          const purged = await this.tx.run(async (manager) => {
            if (!(await repo.hardDelete(manager, row.id))) return false;
            await this.journal.append(
              manager,
              { objectType: type, objectId: row.id, kind: 'purged', objectVersion: 0 },
              { requestId: null },
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
