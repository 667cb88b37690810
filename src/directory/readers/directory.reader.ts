import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { chunks, placeholders } from '../../common/chunks';
import { fromDbDate, toDbDateText } from '../../database/db-values';
import { normalizeKey } from '../write-guard';

/** A directory object as the engine sees it, soft-deleted ones included (they must be deprovisioned). */
export interface DirectoryObject {
  id: string;
  type: 'User' | 'Group';
  doc: Record<string, unknown>;
  active: boolean;
  deletedAt: Date | null;
}

const CHUNK = 500;
const TABLE = { User: 'directory_user', Group: 'directory_group' } as const;

/**
 * What the provisioning engine reads of the directory: objects by id with soft-deleted ones (a leaver must reach
 * the targets), members, the groups of members, and id-ordered walks for reconciliation and the date job. Read
 * only; the SCIM surface's reads go through the users and groups services, which see live objects alone.
 */
@Injectable()
export class DirectoryReader {
  constructor(private readonly dataSource: DataSource) {}

  async users(ids: string[]): Promise<Map<string, DirectoryObject>> {
    const out = new Map<string, DirectoryObject>();
    for (const chunk of chunks(ids, CHUNK)) {
      const rows = await this.dataSource.query<Record<string, unknown>[]>(
        `SELECT id, doc, active, deleted_at FROM directory_user WHERE id IN (${placeholders(chunk.length)})`,
        chunk,
      );
      for (const r of rows) {
        out.set(r.id as string, {
          id: r.id as string,
          type: 'User',
          doc: JSON.parse(r.doc as string) as Record<string, unknown>,
          active: Boolean(Number(r.active)),
          deletedAt: r.deleted_at == null ? null : fromDbDate(r.deleted_at),
        });
      }
    }
    return out;
  }

  /** Groups by id, soft-deleted ones included (their members are not read here). */
  async groups(ids: string[]): Promise<Map<string, DirectoryObject>> {
    const out = new Map<string, DirectoryObject>();
    for (const chunk of chunks(ids, CHUNK)) {
      const rows = await this.dataSource.query<Record<string, unknown>[]>(
        `SELECT id, doc, deleted_at FROM directory_group WHERE id IN (${placeholders(chunk.length)})`,
        chunk,
      );
      for (const r of rows)
        out.set(r.id as string, {
          id: r.id as string,
          type: 'Group',
          doc: JSON.parse(r.doc as string) as Record<string, unknown>,
          active: true,
          deletedAt: r.deleted_at == null ? null : fromDbDate(r.deleted_at),
        });
    }
    return out;
  }

  async group(id: string): Promise<DirectoryObject | null> {
    const [r] = await this.dataSource.query<Record<string, unknown>[]>(
      'SELECT id, doc, deleted_at FROM directory_group WHERE id = ?',
      [id],
    );
    if (!r) return null;
    return {
      id,
      type: 'Group',
      doc: JSON.parse(r.doc as string) as Record<string, unknown>,
      active: true,
      deletedAt: r.deleted_at == null ? null : fromDbDate(r.deleted_at),
    };
  }

  async memberIds(groupId: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ member_id: string }[]>(
      'SELECT member_id FROM group_membership WHERE group_id = ?',
      [groupId],
    );
    return rows.map((r) => r.member_id);
  }

  /** A group's direct members with their type; with `page`, those after `afterId` in id order, `limit` of them. */
  async membersOf(
    groupId: string,
    page?: { afterId: string; limit: number },
  ): Promise<{ id: string; type: 'User' | 'Group' }[]> {
    const rows = await this.dataSource.query<{ member_id: string; member_type: string }[]>(
      page
        ? 'SELECT member_id, member_type FROM group_membership WHERE group_id = ? AND member_id > ? ORDER BY member_id LIMIT ?'
        : 'SELECT member_id, member_type FROM group_membership WHERE group_id = ?',
      page ? [groupId, page.afterId, page.limit] : [groupId],
    );
    return rows.map((r) => ({
      id: r.member_id,
      type: r.member_type.toLowerCase() === 'group' ? 'Group' : 'User',
    }));
  }

  /** Which of `ids` are users of the directory, soft-deleted ones included (purged ones are not). */
  async userIdsAmong(ids: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const chunk of chunks(ids, CHUNK)) {
      const rows = await this.dataSource.query<{ id: string }[]>(
        `SELECT id FROM directory_user WHERE id IN (${placeholders(chunk.length)})`,
        chunk,
      );
      out.push(...rows.map((r) => r.id));
    }
    return out;
  }

  /**
   * Live users whose userName (case-insensitive, as the directory's uniqueness) or externalId is one of these values:
   * value → user id. Account discovery uses it to say which target account a directory user could own.
   */
  async liveUsersNamed(values: string[]): Promise<Map<string, string>> {
    const byName = new Map<string, string>();
    for (const chunk of chunks([...new Set(values.map(normalizeKey))], CHUNK)) {
      const rows = await this.dataSource.query<{ id: string; user_name_normalized: string }[]>(
        `SELECT id, user_name_normalized FROM directory_user
          WHERE user_name_normalized IN (${placeholders(chunk.length)}) AND +deleted_at IS NULL`,
        chunk,
      );
      for (const r of rows) byName.set(r.user_name_normalized, r.id);
    }
    const out = new Map<string, string>();
    for (const v of values) {
      const id = byName.get(normalizeKey(v));
      if (id !== undefined) out.set(v, id);
    }
    for (const chunk of chunks([...new Set(values.filter((v) => !out.has(v)))], CHUNK)) {
      const rows = await this.dataSource.query<{ id: string; external_id: string }[]>(
        `SELECT id, external_id FROM directory_user
          WHERE external_id IN (${placeholders(chunk.length)}) AND +deleted_at IS NULL`,
        chunk,
      );
      for (const r of rows) out.set(r.external_id, r.id);
    }
    return out;
  }

  /** The groups any of these objects is a direct member of. */
  async groupIdsOf(memberIds: string[]): Promise<string[]> {
    const out = new Set<string>();
    for (const chunk of chunks(memberIds, CHUNK)) {
      const rows = await this.dataSource.query<{ group_id: string }[]>(
        `SELECT DISTINCT group_id FROM group_membership WHERE member_id IN (${placeholders(chunk.length)})`,
        chunk,
      );
      for (const r of rows) out.add(r.group_id);
    }
    return [...out];
  }

  /** The groups each of these objects is a direct member of (an object in none is absent from the map). */
  async groupsByMember(memberIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const chunk of chunks(memberIds, CHUNK)) {
      const rows = await this.dataSource.query<{ group_id: string; member_id: string }[]>(
        `SELECT group_id, member_id FROM group_membership WHERE member_id IN (${placeholders(chunk.length)})`,
        chunk,
      );
      for (const r of rows) {
        const groups = out.get(r.member_id);
        if (groups) groups.push(r.group_id);
        else out.set(r.member_id, [r.group_id]);
      }
    }
    return out;
  }

  /**
   * How to show these objects to an operator: the display name (a user's userName when it has none) and whether
   * the object is still live. Objects purged from the directory are absent from the map.
   */
  async describe(
    type: 'User' | 'Group',
    ids: string[],
  ): Promise<Map<string, { displayName: string; live: boolean }>> {
    const out = new Map<string, { displayName: string; live: boolean }>();
    const name = type === 'User' ? 'user_name' : 'display_name';
    for (const chunk of chunks(ids, CHUNK)) {
      const rows = await this.dataSource.query<Record<string, unknown>[]>(
        `SELECT id, ${name} AS name, doc, deleted_at FROM ${TABLE[type]} WHERE id IN (${placeholders(chunk.length)})`,
        chunk,
      );
      for (const r of rows) {
        const doc = JSON.parse(r.doc as string) as { displayName?: unknown };
        const displayName = typeof doc.displayName === 'string' ? doc.displayName : String(r.name);
        out.set(r.id as string, { displayName, live: r.deleted_at == null });
      }
    }
    return out;
  }

  /** Ids of live users (then groups) after `afterId`, in id order: the reconciliation walks them in pages. */
  async liveIds(type: 'User' | 'Group', afterId: string, limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      // `+deleted_at`: on SQLite the deleted_at index would sort every live row for each page.
      `SELECT id FROM ${TABLE[type]} WHERE +deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?`,
      [afterId, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Which of `ids` are live objects of `type` (not soft-deleted, not purged), in no particular order. */
  async liveIdsAmong(type: 'User' | 'Group', ids: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const chunk of chunks(ids, CHUNK)) {
      const rows = await this.dataSource.query<{ id: string }[]>(
        `SELECT id FROM ${TABLE[type]} WHERE id IN (${placeholders(chunk.length)}) AND deleted_at IS NULL`,
        chunk,
      );
      for (const r of rows) out.push(r.id);
    }
    return out;
  }

  /**
   * Ids of live users, after `afterId` in id order, whose employeeHireDate or employeeLeaveDateTime (Entra
   * extension, kept in the indexed hire_at and leave_at columns) falls in (from, to]: the date job's window.
   * The unary `+` keeps SQLite, which has no table statistics, from walking every live user through the
   * deleted_at or primary-key index instead of the two date indexes; MySQL ignores it.
   */
  async datedUsers(from: Date, to: Date, afterId: string, limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM directory_user
        WHERE ((hire_at > ? AND hire_at <= ?) OR (leave_at > ? AND leave_at <= ?)) AND +deleted_at IS NULL AND +id > ?
        ORDER BY id LIMIT ?`,
      [toDbDateText(from), toDbDateText(to), toDbDateText(from), toDbDateText(to), afterId, limit],
    );
    return rows.map((r) => r.id);
  }
}
