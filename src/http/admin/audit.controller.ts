import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditLogService, AuditPage } from '../../audit/audit-log.service';
import { Scopes } from '../../auth/scopes.decorator';
import { AuditQueryDto } from './dto/audit-query.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Scopes('admin')
@Controller('admin/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditLogService) {}

  /** Admin changes, newest first; filters combine with AND; `nextCursor` pages to older entries. */
  @Get()
  list(@Query() query: AuditQueryDto): Promise<AuditPage> {
    return this.audit.listEntries(query);
  }
}
