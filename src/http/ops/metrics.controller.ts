import { Controller, Get, Header } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../../auth/scopes.decorator';
import { MetricsService } from '../../provisioning/metrics/metrics.service';

/** Prometheus scrape endpoint; it needs an admin-scope token (bearer_token in the scrape config). */
@ApiTags('metrics')
@ApiBearerAuth()
@Scopes('admin')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.renderMetrics();
  }
}
