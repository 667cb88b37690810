import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MappingModule } from '../mapping/mapping.module';
import { DeliveryEngine } from './engine/delivery-engine.service';
import { DirectoryReader } from './engine/directory-reader.repository';
import { JournalFanOut } from './engine/journal-fan-out.service';
import { ObjectDelivery } from './engine/object-delivery.service';
import { TargetWrites } from './engine/target-writes.service';
import { ObjectProvisioner } from './engine/object-provisioner.service';
import { ProvisionedMembershipsRepository } from './engine/provisioned-memberships.repository';
import { ReconciliationService } from './engine/reconciliation.service';
import { TargetHealthService } from './engine/target-health.service';
import { TargetOperationsService } from './engine/target-operations.service';
import { TargetSessions } from './engine/target-session';
import { WorkQueueRepository } from './engine/work-queue.repository';
import { ProvisioningJobs } from './jobs/provisioning.jobs';
import { ScheduledProvisioningService } from './jobs/scheduled-provisioning.service';
import { ProvisioningLogRepository } from './logs/provisioning-log.repository';
import { ProvisioningLogWriter } from './logs/provisioning-log.writer';
import { ProvisioningLogsService } from './logs/provisioning-logs.service';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { ProvisioningMetrics } from './metrics/provisioning-metrics';
import { loadOrCreateKey, SecretBox } from './secrets/secret-box';
import { TargetStatusService } from './status/target-status.service';
import { TargetClients } from './targets/target-clients.service';
import { TargetsRepository } from './targets/targets.repository';
import { TargetsService } from './targets/targets.service';

/**
 * Outbound provisioning: targets, the journal fan-out and delivery engine, the provisioning log, schedules and
 * metrics. Reads the directory's tables; the directory never calls it (the change journal is the hand-off).
 */
@Module({
  imports: [MappingModule],
  controllers: [MetricsController],
  providers: [
    {
      provide: SecretBox,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        SecretBox.fromKey(
          loadOrCreateKey({ envKey: config.provisioning.secretKey, dataDir: config.dataDir }).key,
          'SECRET_KEY',
        ),
    },
    TargetsRepository,
    TargetClients,
    TargetsService,
    DirectoryReader,
    WorkQueueRepository,
    ProvisionedMembershipsRepository,
    JournalFanOut,
    ReconciliationService,
    TargetHealthService,
    TargetSessions,
    ObjectProvisioner,
    ObjectDelivery,
    TargetWrites,
    DeliveryEngine,
    TargetOperationsService,
    TargetStatusService,
    ProvisioningLogRepository,
    ProvisioningLogWriter,
    ProvisioningLogsService,
    ProvisioningMetrics,
    MetricsService,
    ScheduledProvisioningService,
    ProvisioningJobs,
  ],
  exports: [
    TargetsService,
    TargetOperationsService,
    TargetStatusService,
    ProvisioningLogsService,
    DeliveryEngine,
  ],
})
export class ProvisioningModule {}
