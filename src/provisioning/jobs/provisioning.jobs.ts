import { Inject, Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { JournalRetentionService } from './journal-retention.service';
import { ScheduledProvisioningService } from './scheduled-provisioning.service';

@Injectable()
export class ProvisioningJobs {
  constructor(
    private readonly scheduled: ScheduledProvisioningService,
    private readonly journalRetention: JournalRetentionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Cron(CronExpression.EVERY_MINUTE, { name: 'reconciliation-schedule' })
  async requestReconciliations(): Promise<void> {
    if (this.config.jobsEnabled) await this.scheduled.requestDueReconciliations();
  }

  @Cron(CronExpression.EVERY_MINUTE, { name: 'date-reevaluation' })
  async reevaluateDates(): Promise<void> {
    if (this.config.jobsEnabled) await this.scheduled.reevaluateDatedUsers();
  }

  @Cron(CronExpression.EVERY_HOUR, { name: 'provisioning-log-retention' })
  async purgeLogs(): Promise<void> {
    if (this.config.jobsEnabled) await this.scheduled.purgeExpiredLogs();
  }

  @Cron(CronExpression.EVERY_HOUR, { name: 'journal-retention' })
  async pruneJournal(): Promise<void> {
    if (this.config.jobsEnabled) await this.journalRetention.pruneConsumed();
  }
}
