import { Inject, Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { ImportRetentionService } from './import-retention.service';

@Injectable()
export class ImportsJobs {
  constructor(
    private readonly retention: ImportRetentionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'import-retention' })
  async purgeFinishedImports(): Promise<void> {
    if (this.config.jobsEnabled) await this.retention.purgeFinished();
  }
}
