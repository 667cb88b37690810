import { Controller, Get, Param } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Scopes } from '../../auth/scopes.decorator';
import { DiscoveryService } from './discovery.service';
import { ScimCtx, type ScimRequestContext } from './scim-request';

@ApiExcludeController()
@Scopes('scim')
@Controller('scim/v2')
export class DiscoveryController {
  constructor(private readonly discovery: DiscoveryService) {}

  @Get('ServiceProviderConfig')
  serviceProviderConfig(@ScimCtx() ctx: ScimRequestContext) {
    return this.discovery.serviceProviderConfig(ctx.baseUrl);
  }

  @Get('ResourceTypes')
  resourceTypes(@ScimCtx() ctx: ScimRequestContext) {
    return this.discovery.resourceTypes(ctx.baseUrl);
  }

  @Get('ResourceTypes/:name')
  resourceType(@Param('name') name: string, @ScimCtx() ctx: ScimRequestContext) {
    return this.discovery.resourceType(name, ctx.baseUrl);
  }

  @Get('Schemas')
  schemas(@ScimCtx() ctx: ScimRequestContext) {
    return this.discovery.schemas(ctx.baseUrl);
  }

  @Get('Schemas/:id')
  schema(@Param('id') id: string, @ScimCtx() ctx: ScimRequestContext) {
    return this.discovery.schema(id, ctx.baseUrl);
  }
}
