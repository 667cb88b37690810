import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AdminActor } from '../../audit/audit.types';
import { Scopes } from '../../auth/scopes.decorator';
import type { ConnectionVerdict } from '../../provisioning/client';
import {
  OnDemandResult,
  TargetOperationsService,
} from '../../provisioning/targets/target-operations.service';
import { TargetStatus, TargetStatusService } from '../../provisioning/targets/target-status.service';
import type { TargetView } from '../../provisioning/targets/target.types';
import { TargetsService } from '../../provisioning/targets/targets.service';
import { Actor } from '../pipeline/admin-actor.decorator';
import { CreateTargetDto, ProvisionOnDemandDto, UpdateTargetDto } from './dto/target.dto';

const Id = () => Param('id', new ParseUUIDPipe());

@ApiTags('targets')
@ApiBearerAuth()
@Scopes('admin')
@Controller('admin/v1/targets')
export class TargetsController {
  constructor(
    private readonly targets: TargetsService,
    private readonly operations: TargetOperationsService,
    private readonly status: TargetStatusService,
  ) {}

  @Post()
  register(@Body() dto: CreateTargetDto, @Actor() actor: AdminActor): Promise<TargetView> {
    return this.targets.registerTarget(dto, actor);
  }

  @Get()
  list(): Promise<TargetView[]> {
    return this.targets.listTargets();
  }

  @Get(':id')
  get(@Id() id: string): Promise<TargetView> {
    return this.targets.getTarget(id);
  }

  @Patch(':id')
  change(@Id() id: string, @Body() dto: UpdateTargetDto, @Actor() actor: AdminActor): Promise<TargetView> {
    return this.targets.changeTarget(id, dto, actor);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Id() id: string, @Actor() actor: AdminActor): Promise<void> {
    return this.targets.removeTarget(id, actor);
  }

  @Post(':id/test-connection')
  @HttpCode(200)
  testConnection(@Id() id: string): Promise<ConnectionVerdict> {
    return this.targets.testConnection(id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  pause(@Id() id: string, @Actor() actor: AdminActor): Promise<TargetView> {
    return this.targets.pauseTarget(id, actor);
  }

  @Post(':id/resume')
  @HttpCode(200)
  resume(@Id() id: string, @Actor() actor: AdminActor): Promise<TargetView> {
    return this.targets.resumeTarget(id, actor);
  }

  /** A full reconciliation now (Entra's "Restart provisioning"). */
  @Post(':id/restart')
  @HttpCode(202)
  restart(@Id() id: string, @Actor() actor: AdminActor): Promise<{ reconciliationRequested: true }> {
    return this.operations.restartTarget(id, actor);
  }

  /** Leave quarantine now and resend failed objects. */
  @Post(':id/retry')
  @HttpCode(200)
  retry(
    @Id() id: string,
    @Actor() actor: AdminActor,
  ): Promise<{ released: boolean; objectsRetried: number }> {
    return this.operations.retryTarget(id, actor);
  }

  /** Send the disables and deletes the accidental-deletion threshold held. */
  @Post(':id/deletions/release')
  @HttpCode(200)
  releaseDeletions(@Id() id: string, @Actor() actor: AdminActor): Promise<{ released: number }> {
    return this.operations.releaseDeletions(id, actor);
  }

  /** Drop the held disables and deletes: those accounts stay as they are in the target. */
  @Post(':id/deletions/discard')
  @HttpCode(200)
  discardDeletions(@Id() id: string, @Actor() actor: AdminActor): Promise<{ discarded: number }> {
    return this.operations.discardDeletions(id, actor);
  }

  @Post(':id/provision')
  @HttpCode(200)
  provision(
    @Id() id: string,
    @Body() dto: ProvisionOnDemandDto,
    @Actor() actor: AdminActor,
  ): Promise<OnDemandResult & { members?: OnDemandResult[] }> {
    return this.operations.provisionOnDemand(id, dto, actor);
  }

  @Get(':id/status')
  describe(@Id() id: string): Promise<TargetStatus> {
    return this.status.describeTarget(id);
  }
}
