import { Body, Controller, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedToken } from '../../auth/auth.service';
import { Scopes } from '../../auth/scopes.decorator';
import { SCIM_CONTENT_TYPE } from '../pipeline/api-exception.filter';
import { Caller } from '../pipeline/caller.decorator';
import { ScimCtx, type ScimRequestContext } from './scim-request';
import { ImportRunner } from '../../directory/bulk-upload/import-runner.service';

/** Microsoft Entra's API-driven inbound provisioning endpoint, so HR integrations written for it work unchanged. */
@ApiExcludeController()
@Scopes('scim')
@Controller('scim/v2/bulkUpload')
export class BulkUploadController {
  constructor(private readonly runner: ImportRunner) {}

  /** 202 with the import's Location (Entra's shape); `?sync=true` answers 200 with the per-record results. */
  @Post()
  @HttpCode(202)
  async upload(
    @Body() body: unknown,
    @Query('sync') sync: string | undefined,
    @ScimCtx() ctx: ScimRequestContext,
    @Caller() caller: AuthenticatedToken,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.runner.submitImport(
      body,
      { ...ctx, tokenId: caller.id, tokenName: caller.name },
      sync === 'true',
    );
    reply.type(SCIM_CONTENT_TYPE).header('Location', result.location);
    if (sync === 'true') reply.status(200);
    return result.body;
  }
}
