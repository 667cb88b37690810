import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../../auth/scopes.decorator';
import { LogPage, ProvisioningLogsService } from '../../provisioning/logs/provisioning-logs.service';
import { ProvisioningLogQueryDto } from './dto/provisioning-log-query.dto';

@ApiTags('provisioning-logs')
@ApiBearerAuth()
@Scopes('admin')
@Controller('admin/v1/provisioning-logs')
export class ProvisioningLogsController {
  constructor(private readonly logs: ProvisioningLogsService) {}

  /** Newest first; filters combine with AND; `nextCursor` pages to older entries. */
  @Get()
  search(@Query() query: ProvisioningLogQueryDto): Promise<LogPage> {
    return this.logs.searchLogs(query);
  }
}
