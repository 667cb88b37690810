import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AdminActor } from '../../audit/audit.types';
import { Scopes } from '../../auth/scopes.decorator';
import {
  AppRoleView,
  AssignmentPage,
  AssignmentsService,
  AssignmentView,
} from '../../provisioning/assignments/assignments.service';
import {
  AppRoleDto,
  AssignDto,
  AssignmentQueryDto,
  BulkAssignmentDto,
  ImpactProposalDto,
  TargetAssignmentParams,
  TargetRoleParams,
  UpdateAppRoleDto,
} from './dto/assignment.dto';
import { MappingTargetParams } from './dto/mapping-target.dto';
import { ImpactPreview, ImpactPreviewService } from '../../provisioning/sync/impact-preview.service';
import { KnownTargetPipe } from './known-target.pipe';
import { Actor } from '../pipeline/admin-actor.decorator';

/** The route's target, well-formed and registered (404 otherwise). */
const Target = () => Param(KnownTargetPipe);

/** Entra's "Users and groups" and "App roles" of an enterprise app, per target. */
@ApiTags('assignments')
@ApiBearerAuth()
@Scopes('admin')
@Controller('admin/v1/targets/:id')
export class AssignmentsController {
  constructor(
    private readonly assignments: AssignmentsService,
    private readonly impactPreview: ImpactPreviewService,
  ) {}

  @Get('app-roles')
  listRoles(@Target() { id }: MappingTargetParams): Promise<AppRoleView[]> {
    return this.assignments.listRoles(id);
  }

  @Post('app-roles')
  createRole(
    @Target() { id }: MappingTargetParams,
    @Body() dto: AppRoleDto,
    @Actor() actor: AdminActor,
  ): Promise<AppRoleView> {
    return this.assignments.createRole(id, dto, actor);
  }

  @Patch('app-roles/:roleId')
  changeRole(
    @Target() { id, roleId }: TargetRoleParams,
    @Body() dto: UpdateAppRoleDto,
    @Actor() actor: AdminActor,
  ): Promise<AppRoleView> {
    return this.assignments.changeRole(id, roleId, dto, actor);
  }

  /** 409 while assignments use the role. */
  @Delete('app-roles/:roleId')
  @HttpCode(204)
  deleteRole(@Target() { id, roleId }: TargetRoleParams, @Actor() actor: AdminActor): Promise<void> {
    return this.assignments.deleteRole(id, roleId, actor);
  }

  @Get('assignments')
  list(@Target() { id }: MappingTargetParams, @Query() query: AssignmentQueryDto): Promise<AssignmentPage> {
    return this.assignments.listAssignments(id, query);
  }

  /** 400 naming the principal when it is not a live user or group, or the role not one of the target's. */
  @Post('assignments')
  assign(
    @Target() { id }: MappingTargetParams,
    @Body() dto: AssignDto,
    @Actor() actor: AdminActor,
  ): Promise<AssignmentView> {
    return this.assignments.assign(id, dto, actor);
  }

  /** All or nothing: any refused principal answers 400 naming each, and nothing is written. */
  @Post('assignments/bulk')
  @HttpCode(200)
  assignMany(
    @Target() { id }: MappingTargetParams,
    @Body() dto: BulkAssignmentDto,
    @Actor() actor: AdminActor,
  ): Promise<{ assigned: number; alreadyAssigned: number }> {
    return this.assignments.assignMany(id, dto, actor);
  }

  @Post('assignments/bulk-remove')
  @HttpCode(200)
  unassignMany(
    @Target() { id }: MappingTargetParams,
    @Body() dto: BulkAssignmentDto,
    @Actor() actor: AdminActor,
  ): Promise<{ removed: number }> {
    return this.assignments.unassignMany(id, dto, actor);
  }

  /**
   * What a proposed mapping set, scoping filter, scope or assignment change would send to the app: counts of
   * creates, updates, disables and deletes, with examples; nothing is sent or saved.
   */
  @Post('impact')
  @HttpCode(200)
  impact(@Target() { id }: MappingTargetParams, @Body() dto: ImpactProposalDto): Promise<ImpactPreview> {
    return this.impactPreview.previewImpact(id, dto);
  }

  @Delete('assignments/:assignmentId')
  @HttpCode(204)
  unassign(
    @Target() { id, assignmentId }: TargetAssignmentParams,
    @Actor() actor: AdminActor,
  ): Promise<void> {
    return this.assignments.unassign(id, assignmentId, actor);
  }
}
