import { Module } from '@nestjs/common';
import { ProvisioningModule } from '../../provisioning/provisioning.module';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

/** What operators' tooling calls: liveness and readiness probes, the Prometheus scrape. */
@Module({
  imports: [ProvisioningModule],
  controllers: [HealthController, MetricsController],
})
export class OpsModule {}
