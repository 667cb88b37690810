import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AdminActor } from '../../audit/audit.types';
import { Scopes } from '../../auth/scopes.decorator';
import { OrphanActionResult, OrphanActions } from '../../provisioning/orphans/orphan-actions.service';
import type { OrphanScanSummary } from '../../provisioning/orphans/orphan-discovery.service';
import { MappingTargetParams } from './dto/mapping-target.dto';
import { LinkOrphanDto, OrphanQueryDto, TargetOrphanParams } from './dto/orphan.dto';
import { KnownTargetPipe } from './known-target.pipe';
import { Actor } from '../pipeline/admin-actor.decorator';

const Target = () => Param(KnownTargetPipe);

/**
 * Account discovery: accounts in a target that no directory object holds, found by listing the target after each
 * full reconciliation. Never acted on automatically: disable, delete or link each one here.
 */
@ApiTags('orphans')
@ApiBearerAuth()
@Scopes('admin')
@Controller('admin/v1/targets/:id/orphans')
export class OrphansController {
  constructor(private readonly orphans: OrphanActions) {}

  @Get()
  list(@Target() { id }: MappingTargetParams, @Query() q: OrphanQueryDto) {
    return this.orphans.list(id, {
      after: q.cursor ?? null,
      limit: q.limit ?? 100,
      matched: q.matched === undefined ? undefined : q.matched === 'true',
      state: q.state,
    });
  }

  /** Lists the target now, without waiting for the next full reconciliation. */
  @Post('scan')
  @HttpCode(200)
  scan(@Target() { id }: MappingTargetParams): Promise<OrphanScanSummary> {
    return this.orphans.scanNow(id);
  }

  /** `PATCH active false` to the account; the answer carries the target's status. */
  @Post(':accountId/disable')
  @HttpCode(200)
  disable(
    @Target() { id, accountId }: TargetOrphanParams,
    @Actor() actor: AdminActor,
  ): Promise<OrphanActionResult> {
    return this.orphans.disable(id, accountId, actor);
  }

  @Post(':accountId/delete')
  @HttpCode(200)
  delete(
    @Target() { id, accountId }: TargetOrphanParams,
    @Actor() actor: AdminActor,
  ): Promise<OrphanActionResult> {
    return this.orphans.delete(id, accountId, actor);
  }

  /** Adopts the account for a directory user in the target's scope: compared with the user and updated, never created. */
  @Post(':accountId/link')
  @HttpCode(200)
  link(
    @Target() { id, accountId }: TargetOrphanParams,
    @Body() dto: LinkOrphanDto,
    @Actor() actor: AdminActor,
  ): Promise<OrphanActionResult> {
    return this.orphans.link(id, accountId, dto.userId, actor);
  }
}
