import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../../auth/scopes.decorator';
import {
  DeliveriesPerMinute,
  ProvisioningLogsService,
} from '../../provisioning/logs/provisioning-logs.service';
import { TargetStatus, TargetStatusService } from '../../provisioning/targets/target-status.service';
import { DeliveriesQueryDto } from './dto/deliveries-query.dto';

/** Every target at once, for the console's overview: a fixed number of reads however many targets there are. */
@ApiTags('targets')
@ApiBearerAuth()
@Scopes('admin')
@Controller('admin/v1/targets')
export class TargetsOverviewController {
  constructor(
    private readonly status: TargetStatusService,
    private readonly logs: ProvisioningLogsService,
  ) {}

  /** The status of every target, each as `GET /targets/{id}/status` answers it, ordered by name. */
  @Get('status')
  describeAll(): Promise<TargetStatus[]> {
    return this.status.describeTargets();
  }

  /** Deliveries (Success entries) and failures per minute of every target, over the last `minutes` minutes. */
  @Get('deliveries')
  deliveries(@Query() { minutes }: DeliveriesQueryDto): Promise<DeliveriesPerMinute> {
    return this.logs.deliveriesPerMinute(minutes ?? 60);
  }
}
