import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { SchemaRegistry, type Filter } from '../../scim-protocol';
import type { ListQuery } from '../directory.types';
import { compileFilter } from './filter-sql.compiler';
import { compileSort } from './sort-sql.compiler';
import type { FilterSqlContext, SqlFragment } from './sql-dialect';

export type ListedType = 'User' | 'Group';

/** A list query in SQL over the directory's own tables: what `listPage` runs. */
export interface CompiledListQuery {
  where?: SqlFragment;
  orderBy?: SqlFragment;
  offset: number;
  limit: number;
  /** RFC 9865 cursor paging in id order: `afterId` null for the first page. Replaces offset and orderBy. */
  cursor?: { afterId: string | null };
  /**
   * Set when the query is the first page of `userName eq "…"` (what provisioning clients send before every
   * write): at most one user, found by a lookup that is batched with the others of the same moment. `where`
   * says the same.
   */
  lookup?: { userNameNormalized: string };
}

/** Indexed columns per resource type, keyed by canonical attribute path (lowercase). */
const COLUMNS: Record<ListedType, FilterSqlContext['columns']> = {
  User: {
    id: { column: 'id', lowercased: false, required: true },
    username: { column: 'user_name_normalized', lowercased: true, required: true },
    externalid: { column: 'external_id', lowercased: false },
    displayname: { column: 'display_name_normalized', lowercased: true },
    active: { column: 'active', lowercased: false },
    'meta.created': { column: 'created_at', lowercased: false, required: true },
    'meta.lastmodified': { column: 'updated_at', lowercased: false, required: true },
  },
  Group: {
    id: { column: 'id', lowercased: false, required: true },
    displayname: { column: 'display_name_normalized', lowercased: true, required: true },
    externalid: { column: 'external_id', lowercased: false },
    'meta.created': { column: 'created_at', lowercased: false, required: true },
    'meta.lastmodified': { column: 'updated_at', lowercased: false, required: true },
  },
};

export const LIST_ALIAS = { User: 'u', Group: 'g' } as const;

/** What `userName eq "…"` compiles to (the value lowercased, as the column holds it). */
const USER_NAME_EQUALS = `${LIST_ALIAS.User}.${COLUMNS.User.username.column} = ?`;

/**
 * A parsed SCIM filter and sort (RFC 7644 §3.4.2) to SQL for the configured engine, over the directory's
 * indexed columns where an attribute has one and its JSON document otherwise.
 */
@Injectable()
export class ListQueryCompiler {
  constructor(
    private readonly registry: SchemaRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  compile(resourceType: ListedType, query: ListQuery): CompiledListQuery {
    const ctx = this.sqlContext(resourceType);
    const where = query.filter ? compileFilter(query.filter, ctx) : undefined;
    if (query.cursor) return { where, offset: 0, limit: query.limit, cursor: query.cursor };
    const orderBy = query.sortBy ? compileSort(query.sortBy, query.sortOrder, ctx) : undefined;
    // userName is unique among live users: one row at most, whatever the order.
    const lookup =
      resourceType === 'User' &&
      where?.sql === USER_NAME_EQUALS &&
      query.offset === 0 &&
      typeof where.params[0] === 'string'
        ? { userNameNormalized: where.params[0] }
        : undefined;
    return { where, orderBy, offset: query.offset, limit: query.limit, ...(lookup ? { lookup } : {}) };
  }

  /**
   * The filter alone, as a WHERE fragment over the table's alias. `softDeleted`: for rows a soft delete cleared the
   * userName column of (a rehire may take the name), so userName is read from the document instead.
   */
  compileWhere(
    resourceType: ListedType,
    filter: Filter,
    options: { softDeleted?: boolean } = {},
  ): SqlFragment {
    const ctx = this.sqlContext(resourceType);
    if (!options.softDeleted) return compileFilter(filter, ctx);
    const columns = Object.fromEntries(Object.entries(ctx.columns).filter(([path]) => path !== 'username'));
    return compileFilter(filter, { ...ctx, columns });
  }

  private sqlContext(resourceType: ListedType): FilterSqlContext {
    return {
      dialect: this.config.database.engine,
      registry: this.registry,
      resourceType,
      alias: LIST_ALIAS[resourceType],
      docColumn: 'doc',
      columns: COLUMNS[resourceType],
      members:
        resourceType === 'Group'
          ? {
              table: 'group_membership',
              groupColumn: 'group_id',
              memberColumn: 'member_id',
              typeColumn: 'member_type',
            }
          : undefined,
    };
  }
}
