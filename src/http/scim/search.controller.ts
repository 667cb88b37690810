import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Scopes } from '../../auth/scopes.decorator';
import { ListQueryBuilder } from './list-query.builder';
import { ScimCtx, type ScimRequestContext } from './scim-request';
import { ScimSearchService } from './scim-search.service';

/** RFC 7644 §3.4.3: `POST /.search` at the root searches every resource type. */
@ApiExcludeController()
@Scopes('scim')
@Controller('scim/v2')
export class SearchController {
  constructor(
    private readonly search: ScimSearchService,
    private readonly lists: ListQueryBuilder,
  ) {}

  @Post('.search')
  @HttpCode(200)
  searchAll(@Body() body: unknown, @ScimCtx() ctx: ScimRequestContext) {
    return this.search.searchAll(this.lists.fromSearchRequest(body), ctx);
  }
}
