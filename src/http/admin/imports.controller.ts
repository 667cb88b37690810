import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AnyScope } from '../../auth/scopes.decorator';
import { ImportsService } from '../../directory/bulk-upload/imports.service';

/** Results of /bulkUpload requests, record by record, readable by the HR client (scim) and operators (admin). */
@ApiTags('imports')
@ApiBearerAuth()
@AnyScope('admin', 'scim')
@Controller('admin/v1/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Get()
  list() {
    return this.imports.listImports();
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.imports.getImport(id);
  }
}
