import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MappingModule } from '../mapping/mapping.module';
import { DeliveryEngine } from './engine/delivery-engine.service';
import { DirectoryModule } from '../directory/directory.module';
import { NetworkPolicy } from './client';
import { JournalFanOut } from './queue/journal-fan-out.service';
import { ObjectDelivery } from './attempt/object-delivery.service';
import { SharedUserReads } from './attempt/shared-user-reads';
import { AttemptExecutor } from './attempt/attempt-executor';
import { ProvisionedMembershipsRepository } from './queue/provisioned-memberships.repository';
import { ReconciliationService } from './sync/reconciliation.service';
import { ListingComparison } from './sync/listing-comparison';
import { TargetHealthService } from './targets/target-health.service';
import { TargetOperationsService } from './targets/target-operations.service';
import { TargetExchanges } from './attempt/target-exchange';
import { WorkQueueRepository } from './queue/work-queue.repository';
import { ProvisioningJobs } from './jobs/provisioning.jobs';
import { ScheduledProvisioningService } from './jobs/scheduled-provisioning.service';
import { JournalRetentionService } from './jobs/journal-retention.service';
import { ProvisioningLogRepository } from './logs/provisioning-log.repository';
import { ProvisioningLogWriter } from './logs/provisioning-log.writer';
import { ProvisioningLogsService } from './logs/provisioning-logs.service';
import { MetricsService } from './metrics/metrics.service';
import { ProvisioningMetrics } from './metrics/provisioning-metrics';
import { loadOrCreateKey, SecretBox } from './secrets/secret-box';
import { TargetStatusService } from './targets/target-status.service';
import { TargetClients } from './targets/target-clients.service';
import { TargetsRepository } from './targets/targets.repository';
import { AssignmentScopes } from './assignments/assignment-scopes.service';
import { AssignmentsRepository } from './assignments/assignments.repository';
import { AssignmentsService } from './assignments/assignments.service';
import { AssignmentFanOut } from './queue/assignment-fan-out.service';
import { ImpactPreviewService } from './sync/impact-preview.service';
import { MappingTrialsService } from './targets/mapping-trials.service';
import { TargetsService } from './targets/targets.service';
import { OrphanActions } from './orphans/orphan-actions.service';
import { OrphanDiscovery } from './orphans/orphan-discovery.service';
import { OrphansRepository } from './orphans/orphans.repository';
import { MatchIndexes } from './sync/match-indexes.service';
import { ReconcileTurns } from './sync/reconcile-turns';
import { BulkCapabilities } from './targets/bulk-capabilities.service';
import { ObjectStatesReader } from './targets/object-states.reader';

/**
 * Outbound provisioning: targets, the journal fan-out and delivery engine, the provisioning log, schedules and
 * metrics. Reads the directory through its readers; the directory never calls it (the change journal is the
 * hand-off).
 */
@Module({
  imports: [DirectoryModule, MappingModule, AuditModule],
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
    {
      provide: NetworkPolicy,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new NetworkPolicy(config.provisioning.allowedNetworks),
    },
    TargetsRepository,
    TargetClients,
    TargetsService,
    MappingTrialsService,
    AssignmentsRepository,
    AssignmentsService,
    AssignmentScopes,
    AssignmentFanOut,
    ImpactPreviewService,
    WorkQueueRepository,
    ProvisionedMembershipsRepository,
    JournalFanOut,
    ReconciliationService,
    ListingComparison,
    TargetHealthService,
    TargetExchanges,
    AttemptExecutor,
    ObjectDelivery,
    SharedUserReads,
    DeliveryEngine,
    TargetOperationsService,
    TargetStatusService,
    ProvisioningLogRepository,
    ProvisioningLogWriter,
    ProvisioningLogsService,
    ProvisioningMetrics,
    MetricsService,
    ScheduledProvisioningService,
    OrphansRepository,
    MatchIndexes,
    ReconcileTurns,
    BulkCapabilities,
    OrphanDiscovery,
    OrphanActions,
    JournalRetentionService,
    ProvisioningJobs,
    ObjectStatesReader,
  ],
  exports: [
    TargetsService,
    MappingTrialsService,
    AssignmentsService,
    ImpactPreviewService,
    TargetOperationsService,
    TargetStatusService,
    ProvisioningLogsService,
    DeliveryEngine,
    MetricsService,
    ProvisioningMetrics,
    OrphanActions,
    ObjectStatesReader,
  ],
})
export class ProvisioningModule {}
