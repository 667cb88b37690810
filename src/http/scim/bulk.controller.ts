import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Scopes } from '../../auth/scopes.decorator';
import { BulkService } from './bulk.service';
import { ScimCtx, type ScimRequestContext } from './scim-request';

@ApiExcludeController()
@Scopes('scim')
@Controller('scim/v2/Bulk')
export class BulkController {
  constructor(private readonly bulk: BulkService) {}

  /** RFC 7644 §3.7: 200 with one result per operation; the request-level errors are 400 and 413. */
  @Post()
  @HttpCode(200)
  process(@Body() body: unknown, @ScimCtx() ctx: ScimRequestContext) {
    return this.bulk.processBulk(body, ctx);
  }
}
