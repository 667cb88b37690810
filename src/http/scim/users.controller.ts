import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Scopes } from '../../auth/scopes.decorator';
import { ListQueryBuilder } from './list-query.builder';
import { ScimCtx, type ScimRequestContext } from './scim-request';
import { ScimUsersService } from './scim-users.service';

type QueryParams = Record<string, string | undefined>;

/** RFC 7644 §3 on /Users. Bodies are typed `unknown`: scim/protocol validates them against the schemas. */
@ApiExcludeController()
@Scopes('scim')
@Controller('scim/v2/Users')
export class UsersController {
  constructor(
    private readonly users: ScimUsersService,
    private readonly lists: ListQueryBuilder,
  ) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown, @ScimCtx() ctx: ScimRequestContext) {
    return this.users.createUser(body, ctx);
  }

  @Get()
  list(@Query() query: QueryParams, @ScimCtx() ctx: ScimRequestContext) {
    return this.users.listUsers(this.lists.fromQuery(query), ctx);
  }

  @Post('.search')
  @HttpCode(200)
  search(@Body() body: unknown, @ScimCtx() ctx: ScimRequestContext) {
    return this.users.listUsers(this.lists.fromSearchRequest(body), ctx);
  }

  @Get(':id')
  get(@Param('id') id: string, @Query() query: QueryParams, @ScimCtx() ctx: ScimRequestContext) {
    return this.users.getUser(id, this.lists.fromQuery(query), ctx);
  }

  @Put(':id')
  replace(@Param('id') id: string, @Body() body: unknown, @ScimCtx() ctx: ScimRequestContext) {
    return this.users.replaceUser(id, body, ctx);
  }

  @Patch(':id')
  patch(@Param('id') id: string, @Body() body: unknown, @ScimCtx() ctx: ScimRequestContext) {
    return this.users.patchUser(id, body, ctx);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id') id: string, @ScimCtx() ctx: ScimRequestContext) {
    return this.users.deleteUser(id, ctx);
  }
}
