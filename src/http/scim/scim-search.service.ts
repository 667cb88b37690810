import { Injectable } from '@nestjs/common';
import { InvalidRequestError } from '../../common/errors';
import { buildListResponse, type ListResponse } from '../../scim-protocol';
import { ListQueryBuilder, type ScimListParams } from './list-query.builder';
import type { ScimRequestContext } from './scim-request';
import { ScimGroupsService } from './scim-groups.service';
import { ScimUsersService } from './scim-users.service';

type Wire = Record<string, unknown>;

/**
 * RFC 7644 §3.4.3 `POST /.search` at the root: users, then groups, in one ListResponse paged by startIndex and count
 * over both, each resource with its own schemas. A filter naming attributes of one type matches nothing of the other
 * (ListQueryBuilder.filterPerType). Sorting and cursors are per type, so they are refused here.
 */
@Injectable()
export class ScimSearchService {
  constructor(
    private readonly users: ScimUsersService,
    private readonly groups: ScimGroupsService,
    private readonly lists: ListQueryBuilder,
  ) {}

  async searchAll(params: ScimListParams, ctx: ScimRequestContext): Promise<ListResponse<Wire>> {
    if (params.cursor !== undefined || params.sortBy !== undefined) {
      throw new InvalidRequestError(
        'A search across resource types supports neither sortBy nor cursor; search /Users or /Groups',
        'invalidValue',
      );
    }
    const filters = this.lists.filterPerType(params.filter);
    const resources: Wire[] = [];
    let skip = params.startIndex - 1;
    let total = 0;
    for (const [type, filter] of filters) {
      if (filter === false) continue;
      const query = {
        filter: filter === true ? undefined : filter,
        offset: skip,
        limit: params.count - resources.length,
      };
      const page =
        type === 'User'
          ? await this.users.readUsers(query, params, ctx)
          : await this.groups.readGroups(query, params, ctx);
      total += page.result.total;
      skip = Math.max(0, skip - page.result.total);
      resources.push(...page.resources);
    }
    return buildListResponse(resources, total, params.startIndex, resources.length);
  }
}
