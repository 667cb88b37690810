import { Module } from '@nestjs/common';
import { AuditJobs } from './audit.jobs';
import { AuditLogRepository } from './audit-log.repository';
import { AuditLogService } from './audit-log.service';
import { AuditRetentionService } from './audit-retention.service';
import { AuditWriter } from './audit.writer';

/**
 * The admin audit log, a leaf the feature modules import: each records its admin changes through `AuditWriter`
 * in its own transaction; the admin API reads them through `AuditLogService`.
 */
@Module({
  providers: [AuditWriter, AuditLogRepository, AuditLogService, AuditRetentionService, AuditJobs],
  exports: [AuditWriter, AuditLogService, AuditRetentionService],
})
export class AuditModule {}
