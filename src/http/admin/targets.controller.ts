import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../../auth/scopes.decorator';
import type { ConnectionVerdict } from '../../provisioning/client';
import {
  OnDemandResult,
  TargetOperationsService,
} from '../../provisioning/targets/target-operations.service';
import { TargetStatus, TargetStatusService } from '../../provisioning/targets/target-status.service';
import type { TargetView } from '../../provisioning/targets/target.types';
import { TargetsService } from '../../provisioning/targets/targets.service';
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
  register(@Body() dto: CreateTargetDto): Promise<TargetView> {
    return this.targets.registerTarget(dto);
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
  change(@Id() id: string, @Body() dto: UpdateTargetDto): Promise<TargetView> {
    return this.targets.changeTarget(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Id() id: string): Promise<void> {
    return this.targets.removeTarget(id);
  }

  @Post(':id/test-connection')
  @HttpCode(200)
  testConnection(@Id() id: string): Promise<ConnectionVerdict> {
    return this.targets.testConnection(id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  pause(@Id() id: string): Promise<TargetView> {
    return this.targets.pauseTarget(id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  resume(@Id() id: string): Promise<TargetView> {
    return this.targets.resumeTarget(id);
  }

  /** A full reconciliation now (Entra's "Restart provisioning"). */
  @Post(':id/restart')
  @HttpCode(202)
  restart(@Id() id: string): Promise<{ reconciliationRequested: true }> {
    return this.operations.restartTarget(id);
  }

  /** Leave quarantine now and resend failed objects. */
  @Post(':id/retry')
  @HttpCode(200)
  retry(@Id() id: string): Promise<{ released: boolean; objectsRetried: number }> {
    return this.operations.retryTarget(id);
  }

  /** Send the disables and deletes the accidental-deletion threshold held. */
  @Post(':id/deletions/release')
  @HttpCode(200)
  releaseDeletions(@Id() id: string): Promise<{ released: number }> {
    return this.operations.releaseDeletions(id);
  }

  /** Drop the held disables and deletes: those accounts stay as they are in the target. */
  @Post(':id/deletions/discard')
  @HttpCode(200)
  discardDeletions(@Id() id: string): Promise<{ discarded: number }> {
    return this.operations.discardDeletions(id);
  }

  @Post(':id/provision')
  @HttpCode(200)
  provision(
    @Id() id: string,
    @Body() dto: ProvisionOnDemandDto,
  ): Promise<OnDemandResult & { members?: OnDemandResult[] }> {
    return this.operations.provisionOnDemand(id, dto);
  }

  @Get(':id/status')
  describe(@Id() id: string): Promise<TargetStatus> {
    return this.status.describeTarget(id);
  }
}
