import { DataSource } from 'typeorm';
import { fromDbDate } from '../../database/db-values';
import { GroupRef } from '../directory.types';
import type { CompiledListQuery } from './list-query.compiler';
import type { LiveCounts } from './live-counts';
import {
  groupRefsByMember,
  groupsOfMembers,
  groupsOfSelectedSql,
  GroupRow,
} from '../memberships/memberships.repository';

/** What a SCIM list needs of a row: the document and the columns behind `id` and `meta`. */
export interface StoredRow {
  id: string;
  doc: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface ListPage<T> {
  total: number;
  rows: T[];
  /** Cursor paging: whether rows follow the last one returned. */
  hasMore: boolean;
  /** The groups of each row, when asked for (`withGroups`). */
  groups?: Map<string, GroupRef[]>;
}

/**
 * One page of live rows and the total, for users and groups alike. Raw SQL, because the WHERE clause comes
 * compiled from a SCIM filter with positional parameters, valid on both engines. Index paging uses
 * LIMIT/OFFSET; cursor paging (RFC 9865) seeks past the last id on the primary key, so a page costs the
 * same at the end of a 100,000-row export as at its start. An unfiltered index page reads its ids from the index
 * first.
 */
export async function listPage(
  dataSource: DataSource,
  table: 'directory_user' | 'directory_group',
  alias: 'u' | 'g',
  query: CompiledListQuery,
  options: { withGroups?: boolean; liveCounts?: LiveCounts } = {},
): Promise<ListPage<StoredRow>> {
  // Only the columns a response needs: every further column is a string to build per row, on the hottest read.
  const columns = ['id', 'doc', 'version', 'created_at', 'updated_at'].map((c) => `${alias}.${c}`).join(', ');
  const readPage = (pageSql: (columns: string) => string, params: unknown[]) =>
    readRows(
      dataSource,
      pageSql(columns),
      params,
      options.withGroups ? () => pageSql(`${alias}.id`) : undefined,
    );
  // `+` keeps SQLite off the deleted_at index, which it would otherwise prefer to the order or the filter
  // (sorting every live row for one page of an unfiltered list).
  const where = `+${alias}.deleted_at IS NULL${query.where ? ` AND (${query.where.sql})` : ''}`;
  const params = query.where?.params ?? [];
  const countNow = async () => {
    const [{ n }] = await dataSource.query<{ n: number | string }[]>(
      `SELECT COUNT(*) AS n FROM ${table} ${alias} WHERE ${where}`,
      params,
    );
    return Number(n);
  };
  // Unfiltered: every live row, a count that LiveCounts reuses while the directory stands still.
  const { liveCounts } = options;
  const count = liveCounts && !query.where ? () => liveCounts.of(table, countNow) : countNow;
  if (query.limit === 0) {
    const total = await count();
    return { total, rows: [], hasMore: total > 0 && query.cursor !== undefined };
  }
  if (query.cursor) {
    const after = query.cursor.afterId;
    // One row more than the page, to tell whether another follows: its groups are read and dropped.
    const { raw, groups } = await readPage(
      (select) =>
        `SELECT ${select} FROM ${table} ${alias} WHERE ${where}${after === null ? '' : ` AND ${alias}.id > ?`}
          ORDER BY ${alias}.id ASC LIMIT ?`,
      [...params, ...(after === null ? [] : [after]), query.limit + 1],
    );
    return {
      total: await count(),
      rows: raw.slice(0, query.limit).map(hydrate),
      hasMore: raw.length > query.limit,
      groups,
    };
  }
  const listOrder = `${alias}.created_at ASC, ${alias}.id ASC`;
  const { raw, groups } =
    query.where || query.orderBy
      ? await readPage(
          (select) =>
            `SELECT ${select} FROM ${table} ${alias} WHERE ${where}
              ORDER BY ${query.orderBy?.sql ?? listOrder} LIMIT ? OFFSET ?`,
          [...params, ...(query.orderBy?.params ?? []), query.limit, query.offset],
        )
      : // Every live row in the list order (a client reading the whole directory by startIndex): the page's ids
        // come from the deleted_at index, which holds the live rows in that order, so the entries before the page
        // are read, not the rows. A page at the end of 100,000 users took MariaDB 2.5 s (it sorted every row).
        await readPage(
          (select) =>
            `SELECT ${select} FROM (SELECT id FROM ${table} WHERE deleted_at IS NULL
              ORDER BY created_at ASC, id ASC LIMIT ? OFFSET ?) page
              JOIN ${table} ${alias} ON ${alias}.id = page.id ORDER BY ${listOrder}`,
          [query.limit, query.offset],
        );
  // A first page that is not full holds every match: the count query is not needed (the common lookup).
  const total = query.offset === 0 && raw.length < query.limit ? raw.length : await count();
  return { total, rows: raw.map(hydrate), hasMore: query.offset + raw.length < total, groups };
}

/**
 * The page's rows, and with `idsSql` (the same page selecting only ids) the groups of those rows. On MySQL
 * both statements go in one round trip, the second selecting the page again by its own ids: for the common
 * page (a lookup on an indexed column) that costs the server less than a second round trip costs the gateway.
 */
export async function readRows(
  dataSource: DataSource,
  sql: string,
  params: unknown[],
  idsSql: (() => string) | undefined,
): Promise<{ raw: Record<string, unknown>[]; groups?: Map<string, GroupRef[]> }> {
  if (!idsSql) return { raw: await dataSource.query<Record<string, unknown>[]>(sql, params) };
  if (dataSource.options.type === 'better-sqlite3') {
    const raw = await dataSource.query<Record<string, unknown>[]>(sql, params);
    return {
      raw,
      groups: await groupsOfMembers(
        dataSource,
        raw.map((r) => r.id as string),
      ),
    };
  }
  const [raw, groupRows] = await dataSource.query<[Record<string, unknown>[], GroupRow[]]>(
    `${sql};\n${groupsOfSelectedSql(idsSql())}`,
    [...params, ...params],
  );
  return {
    raw,
    groups: groupRefsByMember(
      raw.map((r) => r.id as string),
      groupRows,
    ),
  };
}

export function hydrate(raw: Record<string, unknown>): StoredRow {
  return {
    id: raw.id as string,
    doc: raw.doc as string,
    version: Number(raw.version),
    createdAt: fromDbDate(raw.created_at),
    updatedAt: fromDbDate(raw.updated_at),
  };
}
