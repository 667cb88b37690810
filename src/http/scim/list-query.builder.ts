import { Inject, Injectable } from '@nestjs/common';
import { InvalidFilterError, InvalidRequestError } from '../../common/errors';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import type { ListQuery, ListResult } from '../../directory/directory.types';
import {
  buildListResponse,
  decodeCursor,
  encodeCursor,
  type Filter,
  filterPaths,
  type ListResponse,
  narrowFilter,
  parseFilter,
  parseListQuery,
  SchemaRegistry,
  SEARCH_REQUEST_SCHEMA,
  type ListQueryParams,
} from '../../scim-protocol';

export type ScimListParams = ListQueryParams;

type ResourceType = 'User' | 'Group';

/**
 * SCIM list parameters (RFC 7644 §3.4.2, §3.4.3) to a directory list query, paging bounded by the configured
 * sizes, and the directory's page back to a ListResponse.
 */
@Injectable()
export class ListQueryBuilder {
  constructor(
    private readonly registry: SchemaRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  fromQuery(query: Record<string, string | undefined>): ScimListParams {
    return parseListQuery(query, {
      defaultCount: this.config.scim.defaultPageSize,
      maxCount: this.config.scim.maxPageSize,
    });
  }

  /** RFC 7644 §3.4.3: POST /.search carries the same parameters in a SearchRequest body. */
  fromSearchRequest(body: unknown): ScimListParams {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new InvalidRequestError('The search request must be a JSON object', 'invalidSyntax');
    }
    const request = body as Record<string, unknown>;
    const schemas = request.schemas;
    if (
      !Array.isArray(schemas) ||
      !schemas.some((s) => String(s).toLowerCase() === SEARCH_REQUEST_SCHEMA.toLowerCase())
    ) {
      throw new InvalidRequestError(
        `Attribute schemas must contain ${SEARCH_REQUEST_SCHEMA}`,
        'invalidSyntax',
      );
    }
    const query: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(request)) {
      if (key === 'schemas' || value === undefined || value === null) continue;
      const name = key.toLowerCase();
      if (name === 'filter' && (typeof value !== 'string' || value.trim() === '')) {
        // An empty filter would be read as none and list every resource: a client that meant to filter must hear.
        throw new InvalidFilterError('Attribute filter of the search request must be a non-empty string');
      }
      const listed = name === 'attributes' || name === 'excludedattributes';
      if (listed && Array.isArray(value) && value.every((v) => typeof v === 'string'))
        query[key] = value.join(',');
      else if (typeof value === 'string' || typeof value === 'number') query[key] = String(value);
      else
        throw new InvalidRequestError(
          `Attribute ${key} of the search request has the wrong type`,
          'invalidValue',
        );
    }
    return this.fromQuery(query);
  }

  /**
   * RFC 7644 §3.4.3 at the root: the filter as it applies to each resource type (see narrowFilter), `false` where it
   * can match nothing of that type. A path that no type has is a 400, as it is on /Users or /Groups.
   */
  filterPerType(text: string | undefined): Map<ResourceType, Filter | boolean> {
    const types: ResourceType[] = ['User', 'Group'];
    if (text === undefined) return new Map(types.map((type) => [type, true]));
    const filter = parseFilter(text);
    const has = (type: ResourceType) => (path: string) => this.registry.tryResolvePath(type, path).ok;
    for (const path of filterPaths(filter)) {
      const [first, ...others] = types.map((type) => this.registry.tryResolvePath(type, path));
      if (!first.ok && !others.some((r) => r.ok)) throw new InvalidFilterError(first.reason);
    }
    return new Map(types.map((type) => [type, narrowFilter(filter, has(type))]));
  }

  /** The directory's list query: the filter parsed (a 400 with the position when it does not parse). */
  build(params: ScimListParams): ListQuery {
    const filter = params.filter ? parseFilter(params.filter) : undefined;
    if (params.cursor !== undefined) {
      if (params.sortBy) {
        throw new InvalidRequestError(
          'Cursor paging returns resources in id order; sortBy is not supported with cursor',
          'invalidValue',
        );
      }
      const afterId = params.cursor === '' ? null : decodeCursor(params.cursor).id;
      return { filter, offset: 0, limit: params.count, cursor: { afterId } };
    }
    return {
      filter,
      sortBy: params.sortBy,
      sortOrder: params.sortOrder,
      offset: params.startIndex - 1,
      limit: params.count,
    };
  }

  /** RFC 7644 §3.4.2 ListResponse; with a cursor, RFC 9865's `nextCursor` instead of `startIndex`. */
  toListResponse<T>(query: ListQuery, result: ListResult, resources: T[]): ListResponse<T> {
    if (!query.cursor) return buildListResponse(resources, result.total, query.offset + 1, resources.length);
    const last = result.resources.at(-1);
    const next = result.hasMore && last ? encodeCursor({ key: null, id: last.id }) : undefined;
    return buildListResponse(resources, result.total, undefined, resources.length, next);
  }

  /** Whether the response should carry `attribute` (so that excluded members or groups are never read). */
  wants(params: ScimListParams, resourceType: ResourceType, attribute: string): boolean {
    const name = attribute.toLowerCase();
    const core = this.registry.coreSchema(resourceType).id.toLowerCase();
    const matches = (path: string) => {
      const p = path.toLowerCase();
      return (
        p === name || p.startsWith(`${name}.`) || p === `${core}:${name}` || p.startsWith(`${core}:${name}.`)
      );
    };
    if (params.attributes.length > 0) return params.attributes.some(matches);
    return !params.excludedAttributes.some(matches);
  }
}
