import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InvalidRequestError } from '../../common/errors';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { fromDbDate } from '../../database/db-values';
import type { Filter } from '../../scim-protocol';
import type { ScimDocument, StoredResource } from '../directory.types';
import { LIST_ALIAS, ListQueryCompiler } from '../list/list-query.compiler';
import type { SqlFragment } from '../list/sql-dialect';
import { normalizeKey } from '../write-guard';

export type BrowsedType = 'User' | 'Group';

export const BROWSE_DEFAULT_LIMIT = 50;
export const BROWSE_MAX_LIMIT = 200;

export interface BrowseQuery {
  /** A parsed SCIM filter, compiled as `/scim/v2/Users` compiles it. */
  filter?: Filter;
  /** A plain search: a prefix of an indexed name (see `browse`), or an id. */
  search?: string;
  /** Soft-deleted objects too (the SCIM surface never shows them). */
  includeDeleted?: boolean;
  cursor?: string;
  limit?: number;
}

export interface BrowsedRow {
  id: string;
  /** A user's userName, a group's displayName. */
  name: string;
  displayName: string | null;
  externalId: string | null;
  /** Groups are always active. */
  active: boolean;
  deletedAt: Date | null;
  updatedAt: Date;
}

export interface BrowsePage {
  rows: BrowsedRow[];
  /** Pass as `cursor` for the next page (id order); null on the last page. */
  nextCursor: string | null;
}

/** One object, soft-deleted or live, with its lifecycle columns. */
export interface BrowsedObject extends StoredResource {
  active: boolean;
  deletedAt: Date | null;
}

const TABLE = { User: 'directory_user', Group: 'directory_group' } as const;

/**
 * Each indexed column a plain search reads, with whether it holds the value lowercased. A user whose userName a soft
 * delete freed (user_name_normalized is cleared) is found by its user_name, among the soft-deleted rows only.
 */
const SEARCHED: Record<BrowsedType, { column: string; lowercased: boolean }[]> = {
  User: [
    { column: 'user_name_normalized', lowercased: true },
    { column: 'display_name_normalized', lowercased: true },
    { column: 'primary_email_normalized', lowercased: true },
    { column: 'external_id', lowercased: false },
  ],
  Group: [
    { column: 'display_name_normalized', lowercased: true },
    { column: 'external_id', lowercased: false },
  ],
};

/**
 * The directory as the admin console browses it: users and groups in id order with soft-deleted ones on request,
 * a SCIM filter (the list compiler of `/scim/v2`) and a plain search, and one object by id whatever its state.
 * Every page reads an index: the id order with a cursor, and a search the ids whose names start with the term
 * (one index range per name column, so its cost is the number of matches, not the directory's size).
 */
@Injectable()
export class DirectoryBrowseReader {
  private readonly mysql: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly lists: ListQueryCompiler,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.mysql = config.database.engine === 'mysql';
  }

  async browse(type: BrowsedType, query: BrowseQuery): Promise<BrowsePage> {
    const limit = query.limit ?? BROWSE_DEFAULT_LIMIT;
    const afterId = query.cursor === undefined ? null : idOfCursor(query.cursor);
    const a = LIST_ALIAS[type];
    const table = TABLE[type];
    const where: SqlFragment[] = [];
    // `+`: on SQLite the deleted_at index would otherwise win over the id order (see listPage).
    if (!query.includeDeleted) where.push(sql(`+${a}.deleted_at IS NULL`));
    if (query.filter) where.push(this.filterWhere(type, query.filter, query.includeDeleted === true));
    if (afterId !== null) where.push(sql(`${a}.id > ?`, afterId));
    const search = query.search?.trim() ? this.searchIds(type, query.search.trim(), query) : undefined;
    // The matches first, then their rows by primary key: a planner left to itself may walk the whole table in id
    // order (for the ORDER BY) and look each row up among the matches. CROSS JOIN fixes the order on SQLite,
    // STRAIGHT_JOIN on MySQL and MariaDB.
    const join = this.mysql ? 'STRAIGHT_JOIN' : 'CROSS JOIN';
    const from = search
      ? { sql: `(${search.sql}) m ${join} ${table} ${a} ON ${a}.id = m.id`, params: search.params }
      : { sql: `${table} ${a}`, params: [] };
    const columns =
      type === 'User'
        ? `${a}.id, ${a}.user_name AS name, ${a}.external_id, ${a}.doc, ${a}.active, ${a}.deleted_at, ${a}.updated_at`
        : `${a}.id, ${a}.display_name AS name, ${a}.external_id, ${a}.doc, 1 AS active, ${a}.deleted_at, ${a}.updated_at`;
    const rows = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT ${columns} FROM ${from.sql}${where.length ? ` WHERE ${where.map((w) => w.sql).join(' AND ')}` : ''}
        ORDER BY ${a}.id LIMIT ?`,
      [...from.params, ...where.flatMap((w) => w.params), limit + 1],
    );
    const page = rows.slice(0, limit).map(toRow);
    return { rows: page, nextCursor: rows.length > limit ? cursorOf(page[page.length - 1].id) : null };
  }

  /** The object, soft-deleted or not; null when there is none (never was, or purged). */
  async find(type: BrowsedType, id: string): Promise<BrowsedObject | null> {
    const active = type === 'User' ? 'active' : '1 AS active';
    const [r] = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT id, doc, version, ${active}, created_at, updated_at, deleted_at FROM ${TABLE[type]} WHERE id = ?`,
      [id],
    );
    if (!r) return null;
    return {
      id: r.id as string,
      doc: JSON.parse(r.doc as string) as ScimDocument,
      version: Number(r.version),
      active: Boolean(Number(r.active)),
      createdAt: fromDbDate(r.created_at),
      updatedAt: fromDbDate(r.updated_at),
      deletedAt: r.deleted_at == null ? null : fromDbDate(r.deleted_at),
    };
  }

  /** How many direct members a group has (its membership rows, read through their primary key). */
  async memberCount(groupId: string): Promise<number> {
    const [{ n }] = await this.dataSource.query<{ n: number | string }[]>(
      'SELECT COUNT(*) AS n FROM group_membership WHERE group_id = ?',
      [groupId],
    );
    return Number(n);
  }

  /**
   * A soft-deleted user no longer has its userName column (the name is free for a rehire): with soft-deleted rows,
   * the filter reads it from their documents, among the soft-deleted rows only.
   */
  private filterWhere(type: BrowsedType, filter: Filter, includeDeleted: boolean): SqlFragment {
    const live = this.lists.compileWhere(type, filter);
    if (!includeDeleted || type === 'Group') return { sql: `(${live.sql})`, params: live.params };
    const deleted = this.lists.compileWhere(type, filter, { softDeleted: true });
    const a = LIST_ALIAS[type];
    return {
      sql: `((+${a}.deleted_at IS NULL AND (${live.sql})) OR (+${a}.deleted_at IS NOT NULL AND (${deleted.sql})))`,
      params: [...live.params, ...deleted.params],
    };
  }

  /** The ids a plain search selects: a UNION of one index range per name column, and the id itself. */
  private searchIds(type: BrowsedType, term: string, query: BrowseQuery): SqlFragment {
    if (term.length > 255) throw new InvalidRequestError('search must be at most 255 characters');
    const table = TABLE[type];
    const branches = SEARCHED[type].map(({ column, lowercased }) => {
      const prefix = this.startsWith(column, lowercased ? normalizeKey(term) : term);
      return { sql: `SELECT id FROM ${table} WHERE ${prefix.sql}`, params: prefix.params };
    });
    branches.push({ sql: `SELECT id FROM ${table} WHERE id = ?`, params: [term] });
    if (type === 'User' && query.includeDeleted) {
      // Bounded by the soft-deleted users (kept for the retention window), read through the deleted_at index, which
      // SQLite would otherwise leave for the id order its UNION merges in.
      const pattern = `${escapeLike(normalizeKey(term))}%`;
      const index = this.mysql ? '' : ' INDEXED BY ix_directory_user_deleted_at';
      branches.push({
        sql: `SELECT id FROM ${table}${index} WHERE deleted_at IS NOT NULL AND LOWER(user_name) LIKE ? ESCAPE ${this.escapeChar()}`,
        params: [pattern],
      });
    }
    return {
      sql: branches.map((b) => b.sql).join(' UNION '),
      params: branches.flatMap((b) => b.params),
    };
  }

  /**
   * `column` starts with `prefix`, exactly (the columns hold the text as compared: lowercased or case-exact). MySQL
   * and MariaDB read a constant LIKE prefix as an index range (utf8mb4_bin); SQLite's LIKE ignores ASCII case and
   * uses no index on these columns, so it reads the prefix's range, which on its binary order is the prefix.
   */
  private startsWith(column: string, prefix: string): SqlFragment {
    if (this.mysql) return sql(`${column} LIKE ? ESCAPE ${this.escapeChar()}`, `${escapeLike(prefix)}%`);
    return sql(`(${column} >= ? AND ${column} < ?)`, prefix, `${prefix}\u{10FFFF}`);
  }

  private escapeChar(): string {
    return this.mysql ? `'\\\\'` : `'\\'`;
  }
}

function sql(text: string, ...params: unknown[]): SqlFragment {
  return { sql: text, params };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function toRow(r: Record<string, unknown>): BrowsedRow {
  const doc = JSON.parse(r.doc as string) as { displayName?: unknown };
  return {
    id: r.id as string,
    name: r.name as string,
    displayName: typeof doc.displayName === 'string' ? doc.displayName : null,
    externalId: (r.external_id as string | null) ?? null,
    active: Boolean(Number(r.active)),
    deletedAt: r.deleted_at == null ? null : fromDbDate(r.deleted_at),
    updatedAt: fromDbDate(r.updated_at),
  };
}

/** Opaque to the caller: base64url of the last id it was given. */
function cursorOf(id: string): string {
  return Buffer.from(`d${id}`).toString('base64url');
}

function idOfCursor(cursor: string): string {
  const match = /^d([\w-]{1,36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || cursorOf(match[1]) !== cursor) {
    throw new InvalidRequestError('cursor is not a cursor this API returned');
  }
  return match[1];
}
