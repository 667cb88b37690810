import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AdminActor } from '../../audit/audit.types';
import { Scopes } from '../../auth/scopes.decorator';
import type { MappingSet } from '../../mapping/mapping-set';
import { MappingsService } from '../../mapping/mappings.service';
import { MappingSetDto } from './dto/mapping-set.dto';
import { MappingTargetParams } from './dto/mapping-target.dto';
import { PreviewMappingSetDto } from './dto/preview-mapping.dto';
import {
  type AssignedPreview,
  MappingTrialsService,
} from '../../provisioning/targets/mapping-trials.service';
import { KnownTargetPipe } from './known-target.pipe';
import { Actor } from '../pipeline/admin-actor.decorator';

/** The route's target id, well-formed (the DTO) and registered (404 otherwise). */
const Target = () => Param(KnownTargetPipe);

@ApiTags('mappings')
@ApiBearerAuth()
@Scopes('admin')
@Controller('admin/v1/targets/:id/mappings')
export class MappingsController {
  constructor(
    private readonly mappings: MappingsService,
    private readonly trials: MappingTrialsService,
  ) {}

  /** Entra's default set for a generic SCIM app until one is saved. */
  @Get()
  @ApiOkResponse({ type: MappingSetDto })
  get(@Target() { id }: MappingTargetParams): Promise<MappingSet> {
    return this.mappings.getMappingSet(id);
  }

  /** 400 naming each problem (mapping, field, line and column) and nothing saved, or 200 with the saved set. */
  @Put()
  @ApiOkResponse({ type: MappingSetDto })
  replace(
    @Target() { id }: MappingTargetParams,
    @Body() set: MappingSetDto,
    @Actor() actor: AdminActor,
  ): Promise<MappingSet> {
    return this.mappings.replaceMappingSet(id, set, actor);
  }

  /**
   * The scope verdict and the SCIM payload a create in this target would send, with the saved set or the proposed
   * `mappings`; nothing is sent or saved.
   */
  @Post('preview')
  @HttpCode(200)
  preview(
    @Target() { id }: MappingTargetParams,
    @Body() dto: PreviewMappingSetDto,
  ): Promise<AssignedPreview> {
    return this.trials.previewForUser(id, dto);
  }
}
