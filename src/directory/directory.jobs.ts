import { Inject, Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { RetentionService } from './lifecycle/retention.service';

@Injectable()
export class DirectoryJobs {
  constructor(
    private readonly retention: RetentionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'retention-purge' })
  async purgeSoftDeleted(): Promise<void> {
    if (this.config.jobsEnabled) await this.retention.purgeExpired();
  }
}
