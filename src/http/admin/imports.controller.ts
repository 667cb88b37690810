import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedToken } from '../../auth/auth.service';
import { AnyScope } from '../../auth/scopes.decorator';
import { type ImportReader, ImportsService } from '../../directory/bulk-upload/imports.service';
import { Caller } from '../pipeline/caller.decorator';

/**
 * Results of /bulkUpload requests, record by record: a SCIM token reads the imports it sent (another's answer 404,
 * as if absent), an admin token every import.
 */
@ApiTags('imports')
@ApiBearerAuth()
@AnyScope('admin', 'scim')
@Controller('admin/v1/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Get()
  list(@Caller() caller: AuthenticatedToken) {
    return this.imports.listImports(readerOf(caller));
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: AuthenticatedToken) {
    return this.imports.readImport(id, readerOf(caller));
  }
}

function readerOf(token: AuthenticatedToken): ImportReader {
  return { tokenId: token.id, readsAll: token.scopes.includes('admin') };
}
