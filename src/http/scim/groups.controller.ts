import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Scopes } from '../../auth/scopes.decorator';
import { ListQueryBuilder } from './list-query.builder';
import { ScimCtx, type ScimRequestContext } from './scim-request';
import { ScimGroupsService } from './scim-groups.service';

type QueryParams = Record<string, string | undefined>;

/** RFC 7644 §3 on /Groups. Bodies are typed `unknown`: scim/protocol validates them against the schemas. */
@ApiExcludeController()
@Scopes('scim')
@Controller('scim/v2/Groups')
export class GroupsController {
  constructor(
    private readonly groups: ScimGroupsService,
    private readonly lists: ListQueryBuilder,
  ) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown, @ScimCtx() ctx: ScimRequestContext) {
    return this.groups.createGroup(body, ctx);
  }

  @Get()
  list(@Query() query: QueryParams, @ScimCtx() ctx: ScimRequestContext) {
    return this.groups.listGroups(this.lists.fromQuery(query), ctx);
  }

  @Post('.search')
  @HttpCode(200)
  search(@Body() body: unknown, @ScimCtx() ctx: ScimRequestContext) {
    return this.groups.listGroups(this.lists.fromSearchRequest(body), ctx);
  }

  @Get(':id')
  get(@Param('id') id: string, @Query() query: QueryParams, @ScimCtx() ctx: ScimRequestContext) {
    return this.groups.getGroup(id, this.lists.fromQuery(query), ctx);
  }

  @Put(':id')
  replace(@Param('id') id: string, @Body() body: unknown, @ScimCtx() ctx: ScimRequestContext) {
    return this.groups.replaceGroup(id, body, ctx);
  }

  @Patch(':id')
  patch(@Param('id') id: string, @Body() body: unknown, @ScimCtx() ctx: ScimRequestContext) {
    return this.groups.patchGroup(id, body, ctx);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id') id: string, @ScimCtx() ctx: ScimRequestContext) {
    return this.groups.deleteGroup(id, ctx);
  }
}
