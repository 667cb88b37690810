import { Inject, Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { AuditRetentionService } from './audit-retention.service';

@Injectable()
export class AuditJobs {
  constructor(
    private readonly retention: AuditRetentionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'audit-retention' })
  async purgeExpired(): Promise<void> {
    if (this.config.jobsEnabled) await this.retention.purgeExpired();
  }
}
