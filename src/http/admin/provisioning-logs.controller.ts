import { Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../../auth/scopes.decorator';
import { LogPage, LogView, ProvisioningLogsService } from '../../provisioning/logs/provisioning-logs.service';
import {
  ProvisioningLogExportQueryDto,
  ProvisioningLogIdParams,
  ProvisioningLogQueryDto,
} from './dto/provisioning-log-query.dto';

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

  /** Every entry the filters select, newest first, streamed as a CSV or JSON download. */
  @Get('export')
  @ApiProduces('text/csv', 'application/json')
  async export(@Query() { format, ...filter }: ProvisioningLogExportQueryDto): Promise<StreamableFile> {
    const file = await this.logs.exportLogs(filter, format);
    return new StreamableFile(file.stream, {
      type: file.contentType,
      disposition: `attachment; filename="${file.filename}"`,
    });
  }

  /** One entry (a shareable link to it). */
  @Get(':id')
  get(@Param() { id }: ProvisioningLogIdParams): Promise<LogView> {
    return this.logs.getLog(id);
  }
}
